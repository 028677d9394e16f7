package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ClientDisconnectedException;
import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.DisconnectWatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Client disconnects on the servers Spring Boot embeds, for {@link ContextFilter}: Tomcat (HTTP/1.x
 * closes and HTTP/2 resets, through {@link TomcatConnections}) and Jetty 12 ee11 (through {@link
 * JettyEe11Connections}: HTTP/2 resets and HTTP/1.x closes). Jetty ee10 (Spring Boot 3) is handled
 * by {@code ContextFilter} itself and never reaches this class. One {@link DisconnectWatcher}
 * thread for HTTP/1.x, started on the first watched request; none for Tomcat's HTTP/2. See
 * docs/adr/0100 and 0102.
 */
final class ContainerDisconnects implements ContextFilter.ClientDisconnects, AutoCloseable {
  private static final boolean TOMCAT = present("org.apache.catalina.connector.RequestFacade");
  private static final boolean JETTY_EE11 =
      present("org.eclipse.jetty.ee11.servlet.ServletContextRequest");

  private final boolean watchHttp1;
  private final boolean watchTomcatHttp2;
  private final Object lock = new Object();
  private DisconnectWatcher watcher; // guarded by lock; null until needed or after close
  private boolean closed; // guarded by lock

  ContainerDisconnects(boolean watchHttp1, boolean watchTomcatHttp2) {
    this.watchHttp1 = watchHttp1;
    this.watchTomcatHttp2 = watchTomcatHttp2;
  }

  @Override
  public Runnable watch(ServletRequest request, Consumer<ClientDisconnectedException> gone) {
    if (JETTY_EE11) {
      Runnable end = JettyEe11Connections.watch(request, this::http1Watcher, gone);
      if (end != null) {
        return end;
      }
    }
    if (TOMCAT
        && watchTomcatHttp2
        && request instanceof HttpServletRequest http
        && "HTTP/2.0".equals(http.getProtocol())) {
      Runnable end = TomcatConnections.watchStream(request, gone);
      if (end != null) {
        return end;
      }
    }
    if (TOMCAT && watchHttp1 && request instanceof HttpServletRequest http && http1NoBody(http)) {
      SocketChannel channel = TomcatConnections.channel(request);
      if (channel != null) {
        DisconnectWatcher w = http1Watcher();
        if (w != null) {
          DisconnectWatcher.Watch watch =
              w.watch(
                  channel,
                  () ->
                      gone.accept(
                          new ClientDisconnectedException(
                              "the client closed the connection", null)));
          return watch::end;
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code request} is HTTP/1.x without a body: a body's bytes would look like "data
   * waiting", and the server itself reads it (and sees the end of stream).
   */
  static boolean http1NoBody(HttpServletRequest request) {
    String protocol = request.getProtocol();
    if (!"HTTP/1.1".equals(protocol) && !"HTTP/1.0".equals(protocol)) {
      return false;
    }
    return request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
  }

  /** The watcher, started on first use; null when HTTP/1.x is not watched or after close. */
  DisconnectWatcher http1Watcher() {
    if (!watchHttp1) {
      return null;
    }
    synchronized (lock) {
      if (watcher == null && !closed) {
        watcher = new DisconnectWatcher("ctx4j-spring-disconnect-watcher");
      }
      return watcher;
    }
  }

  @Override
  public void close() {
    DisconnectWatcher w;
    synchronized (lock) {
      closed = true;
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      w.close();
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ContainerDisconnects.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
