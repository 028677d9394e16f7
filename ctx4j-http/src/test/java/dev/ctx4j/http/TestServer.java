package dev.ctx4j.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A Jetty server on a loopback port speaking HTTP/1.1 and h2c (prior knowledge). */
final class TestServer implements AutoCloseable {
  final Server server;
  final RequestContextHandler contextHandler;
  final int port;

  /** The application handler, as a lambda. */
  @FunctionalInterface
  interface App {
    boolean handle(Request request, Response response, Callback callback) throws Exception;
  }

  private TestServer(Server server, RequestContextHandler contextHandler, int port) {
    this.server = server;
    this.contextHandler = contextHandler;
    this.port = port;
  }

  static TestServer start(App app) throws Exception {
    return start(app, b -> b);
  }

  static TestServer start(App app, UnaryOperator<RequestContextHandler.Builder> config)
      throws Exception {
    QueuedThreadPool pool =
        new QueuedThreadPool(Integer.getInteger("ctx4j.test.jettyThreads", 64), 4);
    pool.setName("test-jetty");
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    ServerConnector connector =
        new ServerConnector(
            server, 1, 1, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    RequestContextHandler handler =
        config
            .apply(RequestContextHandler.builder())
            .build(app::handle); // a lambda: RequestContextHandler adapts it
    server.setHandler(handler);
    server.setStopTimeout(0);
    server.start();
    return new TestServer(server, handler, connector.getLocalPort());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A raw HTTP/1.1 connection that has sent {@code GET path} with extra header lines. */
  /** Timeout headers each integration must answer with 400 naming the header: name, value. */
  static final String[][] MALFORMED_TIMEOUT_HEADERS = MalformedTimeoutHeaders.table();

  Socket rawGet(String path, String... headerLines) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    OutputStream out = s.getOutputStream();
    out.write(requestText(path, headerLines).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  static String requestText(String path, String... headerLines) {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** Reads a response's status line and headers (up to the blank line). */
  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return sb.toString();
  }

  /** Writes a small text response and completes the callback. */
  static boolean ok(Response response, Callback callback, String body) {
    response.setStatus(200);
    response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
