package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.Context;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * An ee10 Servlet application behind {@link RequestContextHandler}: the servlet runs inside the
 * request context, which ends when the client hangs up.
 */
class ServletAppTest {

  static final class ParkingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    final transient CountDownLatch entered = new CountDownLatch(1);
    final transient CompletableFuture<Throwable> cause = new CompletableFuture<>();
    final transient CompletableFuture<Object> attribute = new CompletableFuture<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Context ctx = Context.current();
      attribute.complete(req.getAttribute(RequestContextHandler.ATTRIBUTE));
      entered.countDown();
      try {
        cause.complete(ctx.await(Duration.ofSeconds(10)) ? ctx.cause() : null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cause.complete(e);
      }
      resp.setStatus(503);
    }
  }

  @Test
  void servlet_clientHangsUp_servletContextCancelledWithClientDisconnected() throws Exception {
    ParkingServlet servlet = new ParkingServlet();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler app = new ServletContextHandler();
    app.addServlet(new ServletHolder(servlet), "/*");
    server.setHandler(RequestContextHandler.wrap(app));
    server.start();
    try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
      socket
          .getOutputStream()
          .write(TestServer.requestText("/park").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(servlet.entered.await(10, SECONDS));
      socket.close();
      assertInstanceOf(ClientDisconnectedException.class, servlet.cause.get(20, SECONDS));
      Object fromAttribute = servlet.attribute.get();
      assertInstanceOf(Context.class, fromAttribute, "the context is a servlet request attribute");
      assertSame(servlet.cause.get(), ((Context) fromAttribute).cause());
    } finally {
      server.stop();
    }
  }
}
