/** The ctx4j command line. */
@SuppressWarnings("requires-automatic") // picocli ships as an automatic module
module dev.ctx4j.cli {
  requires dev.ctx4j.core;
  requires dev.ctx4j.observe;
  requires dev.ctx4j.http;
  requires dev.ctx4j.jdbc;
  requires com.zaxxer.hikari;
  requires java.sql;
  requires jdk.jfr;
  requires dev.ctx4j.lint;
  requires info.picocli;

  opens dev.ctx4j.cli to
      info.picocli;
}
