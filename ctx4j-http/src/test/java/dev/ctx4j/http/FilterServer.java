package dev.ctx4j.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty 12 server on a loopback port (HTTP/1.1 and h2c) serving one ee10 servlet behind a {@link
 * ContextFilter} mapped to {@code /*} for REQUEST and ASYNC dispatches.
 */
final class FilterServer implements AutoCloseable {
  final Server server;
  final ServletContextHandler app;
  final FilterHolder holder;
  final int port;

  /** The servlet, as a lambda. */
  @FunctionalInterface
  interface Servlet {
    void service(HttpServletRequest request, HttpServletResponse response) throws Exception;
  }

  /** A servlet made from a lambda; asynchronous processing allowed. */
  static final class LambdaServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Servlet body;

    LambdaServlet(Servlet body) {
      this.body = body;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      try {
        body.service(request, response);
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** What to start. */
  static final class Setup {
    private final Servlet servlet;
    private ContextFilter filter = ContextFilter.builder().build();
    private final Map<String, String> params = new LinkedHashMap<>();
    private Filter outer;
    private boolean wrapInHandler;

    private Setup(Servlet servlet) {
      this.servlet = servlet;
    }

    /** The filter instance (default: built with defaults). */
    Setup filter(ContextFilter f) {
      this.filter = f;
      return this;
    }

    /** An init-param for the filter. */
    Setup param(String name, String value) {
      params.put(name, value);
      return this;
    }

    /** A filter in front of the ContextFilter. */
    Setup outer(Filter f) {
      this.outer = f;
      return this;
    }

    /** Also wrap the servlet context in a {@link RequestContextHandler}. */
    Setup behindHandler() {
      this.wrapInHandler = true;
      return this;
    }

    FilterServer start() throws Exception {
      QueuedThreadPool pool = new QueuedThreadPool(64, 4);
      pool.setName("test-jetty-filter");
      Server server = new Server(pool);
      HttpConfiguration http = new HttpConfiguration();
      ServerConnector connector =
          new ServerConnector(
              server,
              1,
              1,
              new HttpConnectionFactory(http),
              new HTTP2CServerConnectionFactory(http));
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler app = new ServletContextHandler();
      EnumSet<DispatcherType> types = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
      if (outer != null) {
        FilterHolder o = new FilterHolder(outer);
        o.setAsyncSupported(true);
        app.addFilter(o, "/*", types);
      }
      FilterHolder holder = new FilterHolder(filter);
      holder.setName("ctx4j");
      holder.setAsyncSupported(true);
      params.forEach(holder::setInitParameter);
      app.addFilter(holder, "/*", types);
      ServletHolder servletHolder = new ServletHolder(new LambdaServlet(servlet));
      servletHolder.setAsyncSupported(true);
      app.addServlet(servletHolder, "/*");
      Handler top = wrapInHandler ? RequestContextHandler.wrap(app) : app;
      server.setHandler(top);
      server.setStopTimeout(0);
      server.start();
      return new FilterServer(server, app, holder, connector.getLocalPort());
    }
  }

  static Setup with(Servlet servlet) {
    return new Setup(servlet);
  }

  private FilterServer(Server server, ServletContextHandler app, FilterHolder holder, int port) {
    this.server = server;
    this.app = app;
    this.holder = holder;
    this.port = port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A raw HTTP/1.1 connection that has sent {@code GET path} with extra header lines. */
  Socket rawGet(String path, String... headerLines) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    OutputStream out = s.getOutputStream();
    out.write(TestServer.requestText(path, headerLines).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
