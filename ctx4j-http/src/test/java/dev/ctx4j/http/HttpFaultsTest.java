package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.junit.internal.FaultReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP peers that misbehave at the transport: slow-loris clients that trickle their headers,
 * clients that reset mid-headers (against Jetty with {@link RequestContextHandler}), and an
 * upstream that stalls or resets while {@link ContextHttpClient} streams its body (a socket server
 * of the test's own on loopback). Nothing may create a context it does not end, hold a thread past
 * the server's idle timeout, or leave a caller hanging. Each case writes a FAULTS.md row.
 */
class HttpFaultsTest {
  private static final int IDLE_TIMEOUT_MS = 1_000;

  /** Jetty + RequestContextHandler with a short idle timeout; counts contexts made and live. */
  private static final class Served implements AutoCloseable {
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger live = new AtomicInteger();
    final QueuedThreadPool pool = new QueuedThreadPool(64, 8);
    final Server server = new Server(pool);
    final int port;
    final int idleBusy;

    Served() throws Exception {
      ServerConnector connector =
          new ServerConnector(server, 1, 1, new HttpConnectionFactory(new HttpConfiguration()));
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      connector.setIdleTimeout(IDLE_TIMEOUT_MS);
      server.addConnector(connector);
      server.setHandler(
          RequestContextHandler.builder()
              .build(
                  (request, response, callback) -> {
                    Context ctx = Context.current();
                    created.incrementAndGet();
                    live.incrementAndGet();
                    var unused = ctx.afterDone(live::decrementAndGet, Runnable::run);
                    return TestServer.ok(response, callback, "ok");
                  }));
      server.setStopTimeout(0);
      server.start();
      port = connector.getLocalPort();
      idleBusy = pool.getBusyThreads();
    }

    /** A plain request still gets its answer, and its context ends. */
    void stillAnswers() throws Exception {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream()
            .write(
                TestServer.requestText("/", "Connection: close")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String head = TestServer.readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
      }
      HangUpsFaultsTest.await(() -> live.get() == 0, "contexts left live: " + live);
    }

    void threadsIdle() throws InterruptedException {
      HangUpsFaultsTest.await(
          () -> pool.getBusyThreads() <= idleBusy,
          "server threads still busy: " + pool.getBusyThreads() + " (idle: " + idleBusy + ")");
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }

  private static int connections() {
    return Math.max(20, Integer.getInteger("ctx4j.faults.hangups", 1_000) / 10);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void slowLorisClients_trickleThenStall_noContext_noThreadHeld_closedByTheIdleTimeout()
      throws Exception {
    int n = Math.min(connections(), 200);
    try (Served served = new Served();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      byte[] head =
          "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
      CountDownLatch trickling = new CountDownLatch(n);
      List<Future<Long>> closedAfter = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        closedAfter.add(
            clients.submit(
                () -> {
                  try (Socket s = new Socket("127.0.0.1", served.port)) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < head.length; i++) { // one byte each 100 ms: 3.5 s
                      out.write(head[i]);
                      out.flush();
                      if (i == head.length / 2) {
                        trickling.countDown();
                      }
                      Thread.sleep(IDLE_TIMEOUT_MS / 10);
                    }
                    long stalled = System.nanoTime(); // now say nothing more
                    InputStream in = s.getInputStream();
                    try {
                      while (in.read() >= 0) {
                        // a 408 or nothing, then the end of the stream
                      }
                    } catch (IOException e) {
                      // a reset is an end too
                    }
                    return (System.nanoTime() - stalled) / 1_000_000;
                  }
                }));
      }
      assertTrue(trickling.await(60, TimeUnit.SECONDS));
      int busyMidway = served.pool.getBusyThreads();
      long worst = 0;
      for (Future<Long> f : closedAfter) {
        worst = Math.max(worst, f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(0, served.created.get(), "a trickled request reached the handler");
      // Not a thread per slow client: a moment's count of threads parsing a trickled byte (it
      // read 14 once for 100 clients on a loaded machine) stays far below one per connection.
      assertTrue(
          busyMidway - served.idleBusy < n / 4,
          "threads held while " + n + " clients trickle: " + (busyMidway - served.idleBusy));
      assertTrue(
          worst < IDLE_TIMEOUT_MS + 3_000,
          "a stalled client was closed " + worst + " ms after it stalled");
      served.threadsIdle();
      served.stillAnswers();
      FaultReport.row(
          "HTTP/1.1 (Jetty, RequestContextHandler, idle timeout 1 s): slow-loris clients trickle"
              + " their headers one byte each 100 ms, then stall",
          n + " clients at once",
          "no context created; "
              + (busyMidway - served.idleBusy)
              + " server threads busy beyond idle while they trickled; each closed at most "
              + worst
              + " ms after it stalled; threads back to idle, the next request answered",
          "nothing: 0 live contexts");
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void clientsResetMidHeaders_noContext_threadsBackToIdle_serverStillAnswers() throws Exception {
    int n = connections();
    try (Served served = new Served()) {
      byte[] partial =
          "GET /reset HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ab"
              .getBytes(StandardCharsets.ISO_8859_1);
      long t0 = System.nanoTime();
      for (int c = 0; c < n; c++) {
        try (Socket s = new Socket("127.0.0.1", served.port)) {
          s.getOutputStream().write(partial);
          s.getOutputStream().flush();
          s.setSoLinger(true, 0); // close sends RST, not FIN
        }
      }
      served.threadsIdle();
      long settled = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, served.created.get(), "a request reset mid-headers reached the handler");
      served.stillAnswers();
      assertEquals(1, served.created.get());
      FaultReport.row(
          "HTTP/1.1 (Jetty, RequestContextHandler): clients send half their headers, then reset"
              + " the connection (RST)",
          n + " connections",
          "no context created; server threads back to idle "
              + settled
              + " ms after the first connection; the next request answered",
          "nothing: 0 live contexts");
    }
  }

  /** A one-connection-at-a-time upstream that sends headers and part of a long body, then fails. */
  private static final class BadUpstream implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final CountDownLatch release = new CountDownLatch(1);
    final Thread thread;

    BadUpstream(boolean reset) throws IOException {
      thread =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket s = server.accept()) {
                      TestServer.readHead(s.getInputStream());
                      OutputStream out = s.getOutputStream();
                      out.write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n"
                              .getBytes(StandardCharsets.ISO_8859_1));
                      out.write(new byte[64 * 1024]);
                      out.flush();
                      if (reset) {
                        s.setSoLinger(true, 0);
                      } else {
                        release.await(); // stall: the body never comes
                      }
                    } catch (IOException | InterruptedException e) {
                      // the test is over
                    }
                  });
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/body");
    }

    @Override
    public void close() throws Exception {
      release.countDown();
      server.close();
      thread.join(5_000);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void upstreamStallsMidBody_theCallerGetsTheContextsException_atItsDeadline() throws Exception {
    try (BadUpstream upstream = new BadUpstream(false);
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ContextHttpClient client = ContextHttpClient.wrap(jdk);
      CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(500));
      long t0 = System.nanoTime();
      try {
        client.send(
            ctx,
            HttpRequest.newBuilder(upstream.uri()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        fail("a stalled body completed");
      } catch (DeadlineExceededException e) {
        // the context's exception
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(
          ms < 5_000, "the caller was released " + ms + " ms after the call (deadline 500 ms)");

      // The same through an InputStream body: the read fails with the context's exception as cause.
      CancellableContext ctx2 = Context.background().withTimeout(Duration.ofMillis(500));
      try (BadUpstream again = new BadUpstream(false)) {
        HttpResponse<InputStream> r =
            client.send(
                ctx2,
                HttpRequest.newBuilder(again.uri()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long t1 = System.nanoTime();
        IOException e = null;
        try (InputStream body = r.body()) {
          byte[] buf = new byte[8192];
          while (body.read(buf) >= 0) {
            // read what came, then block until the context ends
          }
        } catch (IOException x) {
          e = x;
        }
        long ms2 = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(e != null, "the stalled stream ended without an exception");
        assertInstanceOf(ContextException.class, e.getCause(), e.toString());
        assertTrue(ms2 < 5_000, "the stream read was released after " + ms2 + " ms");
        FaultReport.row(
            "ContextHttpClient: the upstream (a loopback socket server) sends headers and 64 KB of a"
                + " 10 MB body, then stalls; context deadline 500 ms",
            "twice (byte[] and InputStream bodies)",
            "DeadlineExceededException from send after "
                + ms
                + " ms; the InputStream read failed with it as cause "
                + ms2
                + " ms after the headers",
            "nothing: no caller hung");
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void upstreamResetsMidBody_theCallerGetsTheTransportsException_promptly() throws Exception {
    try (BadUpstream upstream = new BadUpstream(true);
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ContextHttpClient client = ContextHttpClient.wrap(jdk);
      CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      IOException e = null;
      try {
        client.send(
            ctx,
            HttpRequest.newBuilder(upstream.uri()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException x) {
        e = x;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e != null, "a reset body completed");
      assertTrue(ms < 5_000, "the caller was released " + ms + " ms after the reset");
      assertTrue(!ctx.isDone(), "the context ended: the exception should be the transport's");
      ctx.cancel();
      FaultReport.row(
          "ContextHttpClient: the upstream sends headers and 64 KB of a 10 MB body, then resets the"
              + " connection; context live (30 s deadline)",
          "once",
          "the transport's " + e.getClass().getSimpleName() + " from send after " + ms + " ms",
          "nothing: no caller hung");
    }
  }
}
