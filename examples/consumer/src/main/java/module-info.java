/** A program outside the ctx4j build that uses ctx4j-core, ctx4j-jdbc and ctx4j-http. */
@SuppressWarnings("requires-automatic") // H2 ships as an automatic module
module dev.ctx4j.example.consumer {
  requires dev.ctx4j.jdbc; // reads dev.ctx4j.core and java.sql transitively
  requires dev.ctx4j.http; // reads org.eclipse.jetty.server and java.net.http transitively
  requires com.h2database;
}
