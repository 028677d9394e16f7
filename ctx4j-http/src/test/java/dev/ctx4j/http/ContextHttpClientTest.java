package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContextHttpClientTest {
  private static HttpClient jdk;
  private static ExecutorService threads;

  @BeforeAll
  static void setUp() {
    jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    threads = Executors.newVirtualThreadPerTaskExecutor();
  }

  @AfterAll
  static void tearDown() {
    jdk.close();
    threads.close();
  }

  /** Echoes the timeout headers it received. */
  private static final TestServer.App ECHO =
      (request, response, callback) ->
          TestServer.ok(
              response,
              callback,
              request.getHeaders().get("Connect-Timeout-Ms")
                  + " "
                  + request.getHeaders().get("grpc-timeout"));

  /** Parks until its request context ends; optionally streams a first chunk of body first. */
  private static final class Server implements TestServer.App {
    final boolean firstChunk;
    final CountDownLatch entered = new CountDownLatch(1);
    final CompletableFuture<Throwable> cause = new CompletableFuture<>();

    Server(boolean firstChunk) {
      this.firstChunk = firstChunk;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Context ctx = Context.current();
      if (firstChunk) {
        response.setStatus(200);
        FutureCallback written = new FutureCallback();
        response.write(false, ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)), written);
        written.get(10, SECONDS);
      }
      entered.countDown();
      cause.complete(ctx.await(Duration.ofSeconds(10)) ? ctx.cause() : null);
      callback.failed(new IOException("request context ended"));
      return true;
    }
  }

  private static HttpRequest get(TestServer s) {
    return HttpRequest.newBuilder(s.uri("/")).build();
  }

  @Test
  void send_contextWithDeadline_sendsRemainingBudgetMinusMargin() throws Exception {
    ContextHttpClient client =
        ContextHttpClient.builder(jdk).margin(Duration.ofMillis(500)).build();
    try (TestServer s = TestServer.start(ECHO);
        CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(3))) {
      String[] got =
          client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()).body().split(" ", -1);
      long ms = Long.parseLong(got[0]);
      assertTrue(ms > 0 && ms <= 2500, "Connect-Timeout-Ms " + ms);
      assertEquals("null", got[1]);
    }
  }

  @Test
  void send_grpcConfigured_sendsGrpcTimeout() throws Exception {
    ContextHttpClient client =
        ContextHttpClient.builder(jdk).header(TimeoutHeader.GRPC_TIMEOUT).build();
    try (TestServer s = TestServer.start(ECHO);
        CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(3))) {
      String[] got =
          client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()).body().split(" ", -1);
      assertEquals("null", got[0]);
      Duration sent = TimeoutHeader.GRPC_TIMEOUT.parse(got[1]);
      assertTrue(sent.compareTo(Duration.ofSeconds(3)) < 0 && !sent.isZero(), got[1]);
    }
  }

  @Test
  void send_noDeadline_sendsNoHeader() throws Exception {
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    try (TestServer s = TestServer.start(ECHO);
        CancellableContext ctx = Context.background().withCancel()) {
      assertEquals(
          "null null", client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()).body());
    }
  }

  @Test
  void send_currentContext_used() throws Exception {
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    try (TestServer s = TestServer.start(ECHO);
        CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(3))) {
      String body =
          ctx.call(() -> client.send(get(s), HttpResponse.BodyHandlers.ofString()).body());
      assertTrue(!body.startsWith("null"), body);
    }
  }

  @Test
  void send_contextAlreadyDone_throwsWithCauseWithoutRoundTrip() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    IllegalStateException why = new IllegalStateException("gave up");
    try (TestServer s =
            TestServer.start(
                (request, response, callback) -> {
                  hits.incrementAndGet();
                  return TestServer.ok(response, callback, "x");
                });
        CancellableContext ctx = Context.background().withCancel()) {
      ctx.cancel(why);
      ContextCancelledException e =
          assertThrows(
              ContextCancelledException.class,
              () -> client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()));
      assertSame(why, e.getCause());
      assertEquals(0, hits.get());
    }
  }

  @Test
  void send_cancelledBeforeHeaders_abortsExchangeAndThrowsWithCause() throws Exception {
    Server app = new Server(false);
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    IllegalStateException why = new IllegalStateException("user left");
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withCancel()) {
      Future<HttpResponse<String>> call =
          threads.submit(() -> client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()));
      assertTrue(app.entered.await(10, SECONDS));
      ctx.cancel(why);
      java.util.concurrent.ExecutionException e =
          assertThrows(java.util.concurrent.ExecutionException.class, () -> call.get(10, SECONDS));
      assertInstanceOf(ContextCancelledException.class, e.getCause());
      assertSame(why, e.getCause().getCause());
      // The exchange really ended on the wire: the server saw its client go away.
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(20, SECONDS));
    }
  }

  @Test
  void send_parksOnTheContext_soACancelsChainShowsTheSenderWoken() throws Exception {
    Server app = new Server(false);
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("ctx4j-test-sender")
          .start(
              () -> {
                try {
                  client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString());
                  outcome.complete(null);
                } catch (Throwable t) {
                  outcome.complete(t);
                }
              });
      assertTrue(app.entered.await(10, SECONDS));
      long end = System.nanoTime() + SECONDS.toNanos(10);
      while (!dev.ctx4j.internal.Trace.waitersOf(ctx).contains("ctx4j-test-sender")
          && System.nanoTime() - end < 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // no hook marks "parked"
      }
      assertEquals(List.of("ctx4j-test-sender"), dev.ctx4j.internal.Trace.waitersOf(ctx));

      ctx.cancel();

      assertInstanceOf(ContextCancelledException.class, outcome.get(10, SECONDS));
    }
  }

  @Test
  void send_deadlinePassesBeforeHeaders_throwsDeadlineExceeded() throws Exception {
    Server app = new Server(false);
    ContextHttpClient client =
        ContextHttpClient.builder(jdk).header(null).build(); // server has no deadline of its own
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
      assertThrows(
          DeadlineExceededException.class,
          () -> client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()));
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(20, SECONDS));
    }
  }

  @Test
  void body_cancelledWhileStreaming_readFailsWithContextException() throws Exception {
    Server app = new Server(true);
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    IllegalStateException why = new IllegalStateException("enough");
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withCancel()) {
      HttpResponse<InputStream> r =
          client.send(ctx, get(s), HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      try (InputStream body = r.body()) {
        assertEquals("first", new String(body.readNBytes(5), StandardCharsets.UTF_8));
        assertTrue(app.entered.await(10, SECONDS));
        ctx.cancel(why);
        IOException e = assertThrows(IOException.class, () -> body.readNBytes(100));
        ContextException ce = findContextException(e);
        assertInstanceOf(ContextCancelledException.class, ce, () -> String.valueOf(e));
        assertSame(why, ce.getCause());
      }
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(20, SECONDS));
    }
  }

  @Test
  void body_bufferedHandler_cancelledMidBody_sendThrowsContextException() throws Exception {
    Server app = new Server(true);
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withCancel()) {
      Future<HttpResponse<String>> call =
          threads.submit(() -> client.send(ctx, get(s), HttpResponse.BodyHandlers.ofString()));
      assertTrue(app.entered.await(10, SECONDS)); // headers and first chunk are on their way
      ctx.cancel();
      java.util.concurrent.ExecutionException e =
          assertThrows(java.util.concurrent.ExecutionException.class, () -> call.get(10, SECONDS));
      assertInstanceOf(ContextCancelledException.class, e.getCause());
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(20, SECONDS));
    }
  }

  @Test
  void sendAsync_callerCancelsFuture_exchangeAborted() throws Exception {
    Server app = new Server(false);
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    try (TestServer s = TestServer.start(app);
        CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<HttpResponse<String>> f =
          client.sendAsync(ctx, get(s), HttpResponse.BodyHandlers.ofString());
      assertTrue(app.entered.await(10, SECONDS));
      f.cancel(true);
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(20, SECONDS));
    }
  }

  @Test
  void badArguments_namedExceptions() {
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    HttpRequest r = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:1/")).build();
    HttpResponse.BodyHandler<String> h = HttpResponse.BodyHandlers.ofString();
    assertEquals(
        "client",
        assertThrows(NullPointerException.class, () -> ContextHttpClient.wrap(null)).getMessage());
    assertEquals(
        "ctx",
        assertThrows(NullPointerException.class, () -> client.sendAsync(null, r, h)).getMessage());
    assertEquals(
        "request",
        assertThrows(
                NullPointerException.class, () -> client.sendAsync(Context.background(), null, h))
            .getMessage());
    assertEquals(
        "handler",
        assertThrows(
                NullPointerException.class, () -> client.sendAsync(Context.background(), r, null))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ContextHttpClient.builder(jdk).margin(Duration.ofMillis(-1)))
            .getMessage()
            .contains("margin"));
  }

  private static ContextException findContextException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ContextException ce) {
        return ce;
      }
    }
    return null;
  }
}
