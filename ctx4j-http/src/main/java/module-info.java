/** ctx4j for HTTP: request contexts for Jetty 12 servers, deadline-aware java.net.http clients. */
module dev.ctx4j.http {
  requires transitive dev.ctx4j.core;
  requires transitive org.eclipse.jetty.server;
  requires transitive java.net.http;

  exports dev.ctx4j.http;
}
