package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestContextHandlerTest {
  private static HttpClient http;

  @BeforeAll
  static void client() {
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void closeClient() {
    http.close();
  }

  /** A handler that parks until its request context is done and reports the cause. */
  private static final class Parking implements TestServer.App {
    final CountDownLatch entered = new CountDownLatch(1);
    final CompletableFuture<Throwable> cause = new CompletableFuture<>();

    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback)
        throws Exception {
      Context ctx = Context.current();
      entered.countDown();
      cause.complete(ctx.await(Duration.ofSeconds(10)) ? ctx.cause() : null);
      callback.failed(ctx.err() != null ? ctx.err() : new IllegalStateException("not cancelled"));
      return true;
    }
  }

  @Test
  void http1_clientClosesMidHandler_contextCancelledWithClientDisconnected() throws Exception {
    Parking app = new Parking();
    try (TestServer server = TestServer.start(app);
        Socket socket = server.rawGet("/park")) {
      assertTrue(app.entered.await(10, SECONDS));
      socket.close();
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(30, SECONDS));
    }
  }

  @Test
  void http1_clientResetsMidHandler_contextCancelledWithClientDisconnected() throws Exception {
    Parking app = new Parking();
    try (TestServer server = TestServer.start(app);
        Socket socket = server.rawGet("/park")) {
      assertTrue(app.entered.await(10, SECONDS));
      socket.setSoLinger(true, 0); // close() sends RST
      socket.close();
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(30, SECONDS));
    }
  }

  @Test
  void http2_clientResetsStream_contextCancelledWithClientDisconnected() throws Exception {
    Parking app = new Parking();
    HTTP2Client h2 = new HTTP2Client();
    h2.start();
    try (TestServer server = TestServer.start(app)) {
      Session session =
          h2.connect(new InetSocketAddress("127.0.0.1", server.port), new Session.Listener() {})
              .get(10, SECONDS);
      MetaData.Request get =
          new MetaData.Request(
              "GET", HttpURI.from(server.uri("/park")), HttpVersion.HTTP_2, HttpFields.EMPTY);
      Stream stream = session.newStream(new HeadersFrame(get, null, true), null).get(10, SECONDS);
      assertTrue(app.entered.await(10, SECONDS));
      stream
          .reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code))
          .get(10, SECONDS);
      assertInstanceOf(ClientDisconnectedException.class, app.cause.get(30, SECONDS));
    } finally {
      h2.stop();
    }
  }

  @Test
  void http2_timeoutHeader_deadlineFromHeader() throws Exception {
    CompletableFuture<Long> left = new CompletableFuture<>();
    HTTP2Client h2 = new HTTP2Client();
    h2.start();
    try (TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              left.complete(
                  Context.current().deadline().map(d -> d.remaining().toMillis()).orElse(-1L));
              return TestServer.ok(response, callback, "ok");
            })) {
      Session session =
          h2.connect(new InetSocketAddress("127.0.0.1", server.port), new Session.Listener() {})
              .get(10, SECONDS);
      MetaData.Request get =
          new MetaData.Request(
              "GET",
              HttpURI.from(server.uri("/")),
              HttpVersion.HTTP_2,
              HttpFields.build().put("Connect-Timeout-Ms", "2000"));
      session.newStream(new HeadersFrame(get, null, true), null).get(10, SECONDS);
      long ms = left.get(10, SECONDS);
      assertTrue(ms > 0 && ms <= 2000, "remaining " + ms);
    } finally {
      h2.stop();
    }
  }

  @Test
  void serverStop_requestInFlight_cancelledWithServerStopped() throws Exception {
    Parking app = new Parking();
    TestServer server = TestServer.start(app);
    try (Socket socket = server.rawGet("/park")) {
      assertTrue(app.entered.await(10, SECONDS));
      server.close();
      assertInstanceOf(ServerStoppedException.class, app.cause.get(30, SECONDS));
      assertTrue(server.contextHandler.lifetime().isDone());
    } finally {
      server.close();
    }
  }

  @Test
  void handler_contextIsCurrentAndDoneAfterResponse() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              Context ctx = Context.current();
              assertSame(ctx, RequestContextHandler.context(request));
              seen.complete(ctx);
              return TestServer.ok(response, callback, "ok");
            })) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(server.uri("/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      Context ctx = seen.get(10, SECONDS);
      assertNotSame(Context.background(), ctx);
      assertTrue(ctx.await(Duration.ofSeconds(10)), "request context ends with the response");
      assertInstanceOf(ContextCancelledException.class, ctx.err());
      assertFalse(ctx.cause() instanceof ClientDisconnectedException);
      assertTrue(ctx.deadline().isEmpty(), "no header, no cap: no deadline");
    }
  }

  /** Handler that answers with the remaining budget in ms, or "none". */
  private static final TestServer.App BUDGET =
      (request, response, callback) -> {
        String body =
            Context.current()
                .deadline()
                .map(d -> Long.toString(d.remaining().toMillis()))
                .orElse("none");
        return TestServer.ok(response, callback, body);
      };

  private static HttpResponse<String> get(TestServer server, String name, String value)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/budget"));
    if (name != null) {
      b.header(name, value);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void connectTimeoutMs_deadlineFromHeader() throws Exception {
    try (TestServer server = TestServer.start(BUDGET)) {
      long left = Long.parseLong(get(server, "Connect-Timeout-Ms", "2000").body());
      assertTrue(left > 0 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void grpcTimeout_deadlineFromHeader() throws Exception {
    try (TestServer server = TestServer.start(BUDGET)) {
      long left = Long.parseLong(get(server, "grpc-timeout", "3S").body());
      assertTrue(left > 2000 && left <= 3000, "remaining " + left);
    }
  }

  @Test
  void envoyHeader_deadlineFromHeader() throws Exception {
    try (TestServer server = TestServer.start(BUDGET)) {
      long left = Long.parseLong(get(server, "x-envoy-expected-rq-timeout-ms", "1500").body());
      assertTrue(left > 0 && left <= 1500, "remaining " + left);
    }
  }

  @Test
  void enormousHeader_noOverflow_farDeadline() throws Exception {
    try (TestServer server = TestServer.start(BUDGET)) {
      HttpResponse<String> r = get(server, "grpc-timeout", "99999999H");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(Long.parseLong(r.body()) > Duration.ofDays(365).toMillis(), r.body());
    }
  }

  @Test
  void headerAboveMax_cappedAtMax() throws Exception {
    try (TestServer server = TestServer.start(BUDGET, b -> b.maxTimeout(Duration.ofSeconds(2)))) {
      long left = Long.parseLong(get(server, "grpc-timeout", "1H").body());
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void headerBelowMax_headerWins() throws Exception {
    try (TestServer server = TestServer.start(BUDGET, b -> b.maxTimeout(Duration.ofHours(1)))) {
      long left = Long.parseLong(get(server, "Connect-Timeout-Ms", "1000").body());
      assertTrue(left > 0 && left <= 1000, "remaining " + left);
    }
  }

  @Test
  void noHeader_maxApplies() throws Exception {
    try (TestServer server = TestServer.start(BUDGET, b -> b.maxTimeout(Duration.ofSeconds(2)))) {
      long left = Long.parseLong(get(server, null, null).body());
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void malformedHeader_400NamingHeader_handlerNotCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              calls.incrementAndGet();
              return TestServer.ok(response, callback, "ok");
            })) {
      for (String[] h : TestServer.MALFORMED_TIMEOUT_HEADERS) {
        HttpResponse<String> r = get(server, h[0], h[1]);
        assertEquals(400, r.statusCode(), h[0] + ": " + h[1]);
        assertTrue(r.body().contains(h[0]), r.body());
      }
      assertEquals(0, calls.get());
    }
  }

  @Test
  void malformedHeader_sentTwice_400() throws Exception {
    try (TestServer server = TestServer.start(BUDGET);
        Socket socket =
            server.rawGet("/budget", "Connect-Timeout-Ms: 100", "Connect-Timeout-Ms: 200")) {
      String head = TestServer.readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 400"), head);
    }
  }

  @Test
  void malformedHeader_ignoredByConfiguration_runsWithoutDeadline() throws Exception {
    try (TestServer server =
        TestServer.start(BUDGET, RequestContextHandler.Builder::ignoreMalformedHeaders)) {
      HttpResponse<String> r = get(server, "grpc-timeout", "soon");
      assertEquals(200, r.statusCode());
      assertEquals("none", r.body());
    }
  }

  /**
   * The application watches its request context but can never end it: neither {@code current()} nor
   * the request attribute nor the handler's lifetime casts to {@link CancellableContext}.
   */
  @Test
  void applicationCode_cannotCastTheRequestContextToCancelIt() throws Exception {
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    try (TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              Context current = Context.current();
              Context attribute = RequestContextHandler.context(request);
              List<Object> outcome = new ArrayList<>();
              for (Context c : List.of(current, attribute)) {
                outcome.add(c instanceof CancellableContext);
                try {
                  ((CancellableContext) c).cancel();
                  outcome.add("cancelled by a cast");
                } catch (ClassCastException expected) {
                  outcome.add("cast refused");
                }
              }
              outcome.add(current.isDone());
              outcome.add(current.toString().equals(attribute.toString()));
              seen.complete(outcome);
              return TestServer.ok(response, callback, "ok");
            })) {
      HttpResponse<String> r = get(server, null, null);
      assertEquals(200, r.statusCode());
      assertEquals(
          List.of(false, "cast refused", false, "cast refused", false, true),
          seen.get(10, SECONDS));
      Context lifetime = server.contextHandler.lifetime();
      assertFalse(lifetime instanceof CancellableContext);
      assertThrows(ClassCastException.class, () -> ((CancellableContext) lifetime).cancel());
      assertFalse(lifetime.isDone());
    }
  }

  @Test
  void handlerThrows_contextStillEnds() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              seen.complete(Context.current());
              throw new IllegalStateException("boom");
            })) {
      HttpResponse<String> r = get(server, null, null);
      assertEquals(500, r.statusCode());
      assertTrue(seen.get(10, SECONDS).await(Duration.ofSeconds(10)));
    }
  }

  /**
   * The watcher must never mistake a second request on a kept-alive connection, or a pipelined one,
   * for a disconnect: both requests run to the end with live contexts.
   */
  @Test
  void http1_keepAliveAndPipelined_noFalseDisconnect() throws Exception {
    AtomicInteger n = new AtomicInteger();
    CompletableFuture<Throwable> falseAlarm = new CompletableFuture<>();
    try (TestServer server =
            TestServer.start(
                (request, response, callback) -> {
                  Context ctx = Context.current();
                  // A live context stays live: waiting must time out rather than see a cancel.
                  if (ctx.await(Duration.ofMillis(150))) {
                    falseAlarm.complete(ctx.cause());
                  }
                  return TestServer.ok(response, callback, "r" + n.incrementAndGet());
                });
        Socket socket = new Socket("127.0.0.1", server.port)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(TestServer.requestText("/a").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      readResponse(in);
      out.write(TestServer.requestText("/b").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      readResponse(in);
      String two = TestServer.requestText("/c") + TestServer.requestText("/d");
      out.write(two.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      readResponse(in);
      readResponse(in);
      assertEquals(4, n.get());
      assertFalse(falseAlarm.isDone(), () -> "false disconnect: " + falseAlarm.join());
    }
  }

  private static void readResponse(InputStream in) throws Exception {
    String head = TestServer.readHead(in);
    assertTrue(head.startsWith("HTTP/1.1 200"), head);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    assertEquals(length, in.readNBytes(length).length);
  }

  @Test
  void builder_badArguments_namedExceptions() {
    RequestContextHandler.Builder b = RequestContextHandler.builder();
    assertEquals(
        "parent", assertThrows(NullPointerException.class, () -> b.parent(null)).getMessage());
    assertEquals(
        "headers", assertThrows(NullPointerException.class, () -> b.headers(null)).getMessage());
    assertEquals(
        "maxTimeout",
        assertThrows(NullPointerException.class, () -> b.maxTimeout(null)).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.maxTimeout(Duration.ZERO))
            .getMessage()
            .contains("maxTimeout"));
    assertEquals(
        "next", assertThrows(NullPointerException.class, () -> b.build(null)).getMessage());
    assertEquals(
        "request",
        assertThrows(NullPointerException.class, () -> RequestContextHandler.context(null))
            .getMessage());
  }

  // ---------------------------------------------------------------- a context that ended

  /** A handler that throws the exception {@code failing} gives it, inside the request context. */
  private static TestServer.App throwing(java.util.function.Supplier<RuntimeException> failing) {
    return (request, response, callback) -> {
      throw failing.get();
    };
  }

  private static HttpResponse<String> get(TestServer server, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/x"));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void handlerThrowsDeadlineExceeded_504NotPlain500() throws Exception {
    TestServer.App app =
        (request, response, callback) -> {
          Context.current().sleep(Duration.ofSeconds(30)); // throws at the 100 ms deadline
          callback.succeeded();
          return true;
        };
    try (TestServer server = TestServer.start(app)) {
      HttpResponse<String> r = get(server, "Connect-Timeout-Ms", "100");
      assertEquals(504, r.statusCode(), r.body());
      assertTrue(r.body().contains("deadline"), r.body());
    }
  }

  @Test
  void handlerThrowsServerStopped_503() throws Exception {
    TestServer.App app =
        throwing(
            () -> {
              dev.ctx4j.CancellableContext child = Context.current().withCancel();
              child.cancel(new ServerStoppedException("stopping"));
              try {
                child.throwIfDone();
              } catch (RuntimeException e) {
                return e;
              }
              return new IllegalStateException("not done");
            });
    try (TestServer server = TestServer.start(app)) {
      assertEquals(503, get(server).statusCode());
    }
  }

  @Test
  void handlerThrowsOtherException_stillJettys500() throws Exception {
    try (TestServer server = TestServer.start(throwing(() -> new IllegalStateException("bug")))) {
      assertEquals(500, get(server).statusCode());
    }
  }

  @Test
  void contextStatus_mapsKindsAndCauseChains() {
    assertEquals(504, ContextStatus.of(new dev.ctx4j.DeadlineExceededException(), null));
    ContextCancelledException plain = new ContextCancelledException();
    assertEquals(503, ContextStatus.of(plain, null));
    assertEquals(
        499,
        ContextStatus.of(
            plain,
            new IllegalStateException("wrapped", new ClientDisconnectedException("gone", null))));
    assertEquals(503, ContextStatus.of(plain, new ServerStoppedException("stopping")));
    assertEquals(
        504,
        ContextStatus.of(plain, new RuntimeException(new dev.ctx4j.DeadlineExceededException())));
    assertThrows(NullPointerException.class, () -> ContextStatus.of(null, null));
  }
}
