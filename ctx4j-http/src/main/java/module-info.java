/**
 * ctx4j for HTTP: request contexts for Jetty 12 servers and Servlet 6 filters, deadline-aware
 * java.net.http clients.
 */
module dev.ctx4j.http {
  requires transitive dev.ctx4j.core;
  requires transitive org.eclipse.jetty.server;
  requires transitive java.net.http;
  // Optional, for ContextFilter only: the container brings the Servlet API (and Jetty ee10).
  requires static jakarta.servlet;
  requires static org.eclipse.jetty.ee10.servlet;

  exports dev.ctx4j.http;
}
