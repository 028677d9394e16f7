package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
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

/** {@link ContextFilter} in a real Jetty 12 ee10 servlet context, over HTTP/1.1 and h2c. */
class ContextFilterTest {
  private static HttpClient http;
  private static HTTP2Client h2;

  @BeforeAll
  static void clients() throws Exception {
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = new HTTP2Client();
    h2.start();
  }

  @AfterAll
  static void closeClients() throws Exception {
    http.close();
    h2.stop();
  }

  // ---------------------------------------------------------------- helpers

  /** A servlet that parks until its request context is done and reports the cause. */
  private static final class Parking implements FilterServer.Servlet {
    final CountDownLatch entered = new CountDownLatch(1);
    final CompletableFuture<Throwable> cause = new CompletableFuture<>();
    volatile long wokeNanos;

    @Override
    public void service(
        jakarta.servlet.http.HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response)
        throws Exception {
      Context ctx = Context.current();
      entered.countDown();
      boolean done = ctx.await(Duration.ofSeconds(20));
      wokeNanos = System.nanoTime();
      cause.complete(done ? ctx.cause() : null);
      response.setStatus(503);
    }
  }

  /** Answers with the remaining budget in ms, or "none". */
  private static final FilterServer.Servlet BUDGET =
      (request, response) ->
          response
              .getWriter()
              .print(
                  Context.current()
                      .deadline()
                      .map(d -> Long.toString(d.remaining().toMillis()))
                      .orElse("none"));

  private static HttpResponse<String> get(FilterServer server, String name, String value)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/budget"));
    if (name != null) {
      b.header(name, value);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long budget(FilterServer server, String name, String value) throws Exception {
    HttpResponse<String> r = get(server, name, value);
    assertEquals(200, r.statusCode(), r.body());
    return Long.parseLong(r.body());
  }

  private static Stream h2Get(FilterServer server, String path, HttpFields fields)
      throws Exception {
    Session session =
        h2.connect(new InetSocketAddress("127.0.0.1", server.port), new Session.Listener() {})
            .get(10, SECONDS);
    MetaData.Request get =
        new MetaData.Request("GET", HttpURI.from(server.uri(path)), HttpVersion.HTTP_2, fields);
    return session.newStream(new HeadersFrame(get, null, true), null).get(10, SECONDS);
  }

  private static void reset(Stream stream) throws Exception {
    stream
        .reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code))
        .get(10, SECONDS);
  }

  private static void report(String what, long fromNanos, long toNanos) {
    System.out.printf("%s: %.2f ms%n", what, (toNanos - fromNanos) / 1e6);
  }

  /** A filter in front of the ContextFilter that says when the dispatch has returned. */
  private static final class Returned implements Filter {
    final CountDownLatch returned = new CountDownLatch(1);

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws java.io.IOException, ServletException {
      try {
        chain.doFilter(request, response);
      } finally {
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
          returned.countDown();
        }
      }
    }
  }

  // ---------------------------------------------------------------- bound context, lifecycle

  @Test
  void servlet_contextIsCurrentAndAttribute_cancelledPlainlyWhenFilterReturns() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  Context ctx = Context.current();
                  assertSame(ctx, ContextFilter.context(request));
                  assertSame(ctx, request.getAttribute(ContextFilter.ATTRIBUTE));
                  assertFalse(ctx.isDone());
                  seen.complete(ctx);
                  response.getWriter().print("ok");
                })
            .start()) {
      HttpResponse<String> r = get(server, null, null);
      assertEquals(200, r.statusCode());
      Context ctx = seen.get(10, SECONDS);
      assertNotSame(Context.background(), ctx);
      assertFalse(ctx instanceof CancellableContext, "servlet code cannot cancel it");
      assertTrue(ctx.await(Duration.ofSeconds(10)), "ends when the filter returns");
      assertInstanceOf(ContextCancelledException.class, ctx.err());
      assertSame(ctx.err(), ctx.cause(), "plain cancel, no cause");
      assertTrue(ctx.deadline().isEmpty(), "no header, no cap: no deadline");
      assertThrows(ClassCastException.class, () -> ((CancellableContext) ctx).cancel());
      assertFalse(server.holder.getFilter() == null);
      Context lifetime = ((ContextFilter) server.holder.getFilter()).lifetime();
      assertFalse(lifetime instanceof CancellableContext, "the filter's lifetime, read-only");
      assertThrows(ClassCastException.class, () -> ((CancellableContext) lifetime).cancel());
      assertFalse(lifetime.isDone());
    }
  }

  @Test
  void servletThrows_contextStillEnds() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  seen.complete(Context.current());
                  throw new IllegalStateException("boom");
                })
            .start()) {
      assertEquals(500, get(server, null, null).statusCode());
      assertTrue(seen.get(10, SECONDS).await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void behindRequestContextHandler_filterRunsWithTheHandlersContext() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  seen.complete(Context.current());
                  response.getWriter().print("ok");
                })
            .filter(ContextFilter.builder().maxTimeout(Duration.ofHours(1)).build())
            .behindHandler()
            .start()) {
      assertEquals(200, get(server, null, null).statusCode());
      Context ctx = seen.get(10, SECONDS);
      assertFalse(ctx instanceof CancellableContext, "the handler's context, read-only");
      assertThrows(ClassCastException.class, () -> ((CancellableContext) ctx).cancel());
      assertTrue(ctx.deadline().isEmpty(), "the filter did not derive its own (1 h cap)");
    }
  }

  // ---------------------------------------------------------------- deadline headers

  @Test
  void connectTimeoutMs_deadlineFromHeader() throws Exception {
    try (FilterServer server = FilterServer.with(BUDGET).start()) {
      long left = budget(server, "Connect-Timeout-Ms", "2000");
      assertTrue(left > 0 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void grpcTimeout_deadlineFromHeader() throws Exception {
    try (FilterServer server = FilterServer.with(BUDGET).start()) {
      long left = budget(server, "grpc-timeout", "3S");
      assertTrue(left > 2000 && left <= 3000, "remaining " + left);
    }
  }

  @Test
  void envoyHeader_deadlineFromHeader() throws Exception {
    try (FilterServer server = FilterServer.with(BUDGET).start()) {
      long left = budget(server, "x-envoy-expected-rq-timeout-ms", "1500");
      assertTrue(left > 0 && left <= 1500, "remaining " + left);
    }
  }

  @Test
  void http2_timeoutHeader_deadlineFromHeader() throws Exception {
    CompletableFuture<Long> left = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  assertEquals("HTTP/2.0", request.getProtocol());
                  left.complete(
                      Context.current().deadline().map(d -> d.remaining().toMillis()).orElse(-1L));
                })
            .start()) {
      h2Get(server, "/", HttpFields.build().put("Connect-Timeout-Ms", "2000"));
      long ms = left.get(10, SECONDS);
      assertTrue(ms > 0 && ms <= 2000, "remaining " + ms);
    }
  }

  @Test
  void headerAboveMax_cappedAtMax_builder() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .filter(ContextFilter.builder().maxTimeout(Duration.ofSeconds(2)).build())
            .start()) {
      long left = budget(server, "grpc-timeout", "1H");
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void headerAboveMax_cappedAtMax_initParam() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET).param(ContextFilter.MAX_TIMEOUT_PARAM, " PT2S ").start()) {
      long left = budget(server, "grpc-timeout", "1H");
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void initParam_overridesBuilder() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .filter(ContextFilter.builder().maxTimeout(Duration.ofHours(1)).build())
            .param(ContextFilter.MAX_TIMEOUT_PARAM, "PT2S")
            .start()) {
      long left = budget(server, null, null);
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void headerBelowMax_headerWins() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .filter(ContextFilter.builder().maxTimeout(Duration.ofHours(1)).build())
            .start()) {
      long left = budget(server, "Connect-Timeout-Ms", "1000");
      assertTrue(left > 0 && left <= 1000, "remaining " + left);
    }
  }

  @Test
  void noHeader_maxApplies() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .filter(ContextFilter.builder().maxTimeout(Duration.ofSeconds(2)).build())
            .start()) {
      long left = budget(server, null, null);
      assertTrue(left > 1000 && left <= 2000, "remaining " + left);
    }
  }

  @Test
  void headersInitParam_readsOnlyThoseListed() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET).param(ContextFilter.HEADERS_PARAM, "grpc-timeout").start()) {
      assertEquals("none", get(server, "Connect-Timeout-Ms", "1000").body());
      long left = budget(server, "grpc-timeout", "3S");
      assertTrue(left > 2000 && left <= 3000, "remaining " + left);
    }
  }

  // ---------------------------------------------------------------- malformed headers

  @Test
  void malformedHeader_400NamingHeader_servletNotCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FilterServer server =
        FilterServer.with((request, response) -> calls.incrementAndGet()).start()) {
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
    try (FilterServer server = FilterServer.with(BUDGET).start();
        Socket socket =
            server.rawGet("/budget", "Connect-Timeout-Ms: 100", "Connect-Timeout-Ms: 200")) {
      String head = TestServer.readHead(socket.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 400"), head);
    }
  }

  @Test
  void malformedHeader_ignoredByBuilder_runsWithoutDeadline() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .filter(ContextFilter.builder().ignoreMalformedHeaders().build())
            .start()) {
      HttpResponse<String> r = get(server, "grpc-timeout", "soon");
      assertEquals(200, r.statusCode());
      assertEquals("none", r.body());
    }
  }

  @Test
  void malformedHeader_ignoredByInitParam_runsWithoutDeadline() throws Exception {
    try (FilterServer server =
        FilterServer.with(BUDGET)
            .param(ContextFilter.IGNORE_MALFORMED_HEADERS_PARAM, "TRUE")
            .start()) {
      HttpResponse<String> r = get(server, "grpc-timeout", "soon");
      assertEquals(200, r.statusCode());
      assertEquals("none", r.body());
    }
  }

  // ---------------------------------------------------------------- client disconnects

  @Test
  void http1_clientClosesMidServlet_cancelledWithClientDisconnected() throws Exception {
    Parking servlet = new Parking();
    try (FilterServer server = FilterServer.with(servlet).start();
        Socket socket = server.rawGet("/park")) {
      assertTrue(servlet.entered.await(10, SECONDS));
      long closed = System.nanoTime();
      socket.close();
      assertInstanceOf(ClientDisconnectedException.class, servlet.cause.get(30, SECONDS));
      report("filter, HTTP/1.1 close -> servlet woke", closed, servlet.wokeNanos);
    }
  }

  @Test
  void http1_clientResetsMidServlet_cancelledWithClientDisconnected() throws Exception {
    Parking servlet = new Parking();
    try (FilterServer server = FilterServer.with(servlet).start();
        Socket socket = server.rawGet("/park")) {
      assertTrue(servlet.entered.await(10, SECONDS));
      socket.setSoLinger(true, 0); // close() sends RST
      socket.close();
      assertInstanceOf(ClientDisconnectedException.class, servlet.cause.get(30, SECONDS));
    }
  }

  @Test
  void http2_clientResetsStream_cancelledWithClientDisconnected() throws Exception {
    Parking servlet = new Parking();
    try (FilterServer server = FilterServer.with(servlet).start()) {
      Stream stream = h2Get(server, "/park", HttpFields.EMPTY);
      assertTrue(servlet.entered.await(10, SECONDS));
      long resetAt = System.nanoTime();
      reset(stream);
      assertInstanceOf(ClientDisconnectedException.class, servlet.cause.get(30, SECONDS));
      report("filter, HTTP/2 reset -> servlet woke", resetAt, servlet.wokeNanos);
    }
  }

  /** Two requests on one kept-alive connection: the watcher must not take the second for a FIN. */
  @Test
  void http1_keepAlive_noFalseDisconnect() throws Exception {
    CompletableFuture<Throwable> falseAlarm = new CompletableFuture<>();
    try (FilterServer server =
            FilterServer.with(
                    (request, response) -> {
                      Context ctx = Context.current();
                      if (ctx.await(Duration.ofMillis(150))) { // a live context stays live
                        falseAlarm.complete(ctx.cause());
                      }
                      response.setContentLength(2);
                      response.getWriter().print("ok");
                    })
                .start();
        Socket socket = server.rawGet("/a")) {
      var in = socket.getInputStream();
      assertTrue(TestServer.readHead(in).startsWith("HTTP/1.1 200"));
      assertEquals(2, in.readNBytes(2).length);
      var out = socket.getOutputStream();
      out.write(
          TestServer.requestText("/b").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      out.flush();
      assertTrue(TestServer.readHead(in).startsWith("HTTP/1.1 200"));
      assertFalse(falseAlarm.isDone(), () -> "false disconnect: " + falseAlarm.join());
    }
  }

  @Test
  void servletApiOnly_noDisconnectWatch_deadlineAndEndStillWork() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  seen.complete(Context.current());
                  BUDGET.service(request, response);
                })
            .filter(ContextFilter.builder().servletApiOnly().build())
            .start()) {
      long left = budget(server, "Connect-Timeout-Ms", "2000");
      assertTrue(left > 0 && left <= 2000, "remaining " + left);
      assertTrue(seen.get(10, SECONDS).await(Duration.ofSeconds(10)));
    }
  }

  // ---------------------------------------------------------------- server stop

  /**
   * Jetty closes connections before it stops contexts: without the filter's listener on the server
   * the close would reach the request first and the cause would be a ClientDisconnectedException.
   */
  @Test
  void serverStop_http1RequestInFlight_cancelledWithServerStopped() throws Exception {
    Parking servlet = new Parking();
    FilterServer server = FilterServer.with(servlet).start();
    ContextFilter filter = (ContextFilter) server.holder.getFilter();
    try (Socket socket = server.rawGet("/park")) {
      assertTrue(servlet.entered.await(10, SECONDS));
      server.close();
      assertInstanceOf(ServerStoppedException.class, servlet.cause.get(30, SECONDS));
      assertTrue(filter.lifetime().isDone());
    } finally {
      server.close();
    }
  }

  @Test
  void serverStop_http2RequestInFlight_cancelledWithServerStoppedNotDisconnect() throws Exception {
    Parking servlet = new Parking();
    FilterServer server = FilterServer.with(servlet).start();
    try {
      h2Get(server, "/park", HttpFields.EMPTY);
      assertTrue(servlet.entered.await(10, SECONDS));
      server.close();
      assertInstanceOf(ServerStoppedException.class, servlet.cause.get(30, SECONDS));
    } finally {
      server.close();
    }
  }

  @Test
  void destroy_requestInFlight_cancelledWithServerStopped() throws Exception {
    Parking servlet = new Parking();
    ContextFilter filter = ContextFilter.builder().build();
    try (FilterServer server = FilterServer.with(servlet).filter(filter).start();
        Socket socket = server.rawGet("/park")) {
      assertTrue(servlet.entered.await(10, SECONDS));
      filter.destroy();
      assertInstanceOf(ServerStoppedException.class, servlet.cause.get(30, SECONDS));
      filter.destroy(); // idempotent
    }
  }

  @Test
  void parent_cancelled_requestsCancelled() throws Exception {
    Parking servlet = new Parking();
    CancellableContext app = Context.background().withCancel();
    try (FilterServer server =
            FilterServer.with(servlet).filter(ContextFilter.builder().parent(app).build()).start();
        Socket socket = server.rawGet("/park")) {
      assertTrue(servlet.entered.await(10, SECONDS));
      IllegalStateException why = new IllegalStateException("application shutting down");
      app.cancel(why);
      assertSame(why, servlet.cause.get(30, SECONDS));
    }
  }

  // ---------------------------------------------------------------- asynchronous servlets

  /** Starts async processing, hands the AsyncContext and the request context to the test. */
  private static final class Async implements FilterServer.Servlet {
    final CompletableFuture<AsyncContext> async = new CompletableFuture<>();
    final CompletableFuture<Context> ctx = new CompletableFuture<>();
    final long timeoutMs;

    Async(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }

    @Override
    public void service(
        jakarta.servlet.http.HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response) {
      AsyncContext ac = request.startAsync();
      ac.setTimeout(timeoutMs);
      ctx.complete(Context.current());
      async.complete(ac);
    }
  }

  @Test
  void async_contextLivesAfterFilterReturns_endsOnComplete() throws Exception {
    Async servlet = new Async(0);
    Returned returned = new Returned();
    try (FilterServer server = FilterServer.with(servlet).outer(returned).start()) {
      CompletableFuture<HttpResponse<String>> response =
          http.sendAsync(
              HttpRequest.newBuilder(server.uri("/async")).build(),
              HttpResponse.BodyHandlers.ofString());
      AsyncContext ac = servlet.async.get(10, SECONDS);
      assertTrue(returned.returned.await(10, SECONDS));
      Context ctx = servlet.ctx.get();
      assertFalse(ctx.isDone(), "the dispatch returned but the async request goes on");
      assertSame(ctx, ContextFilter.context(ac.getRequest()), "async code finds it");
      ac.getResponse().getWriter().print("later");
      ac.complete();
      assertEquals("later", response.get(10, SECONDS).body());
      assertTrue(ctx.await(Duration.ofSeconds(10)), "ends when the AsyncContext completes");
      assertSame(ctx.err(), ctx.cause(), "plain cancel");
    }
  }

  @Test
  void async_completedInsideDispatch_endsWhenFilterReturns() throws Exception {
    CompletableFuture<Context> seen = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  AsyncContext ac = request.startAsync();
                  seen.complete(Context.current());
                  response.getWriter().print("quick");
                  ac.complete();
                })
            .start()) {
      assertEquals("quick", get(server, null, null).body());
      assertTrue(seen.get(10, SECONDS).await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void async_redispatch_sameContextBoundAgain() throws Exception {
    CompletableFuture<Context> first = new CompletableFuture<>();
    CompletableFuture<Context> second = new CompletableFuture<>();
    try (FilterServer server =
        FilterServer.with(
                (request, response) -> {
                  if (request.getDispatcherType() == DispatcherType.REQUEST) {
                    first.complete(Context.current());
                    request.startAsync().dispatch();
                  } else {
                    second.complete(Context.current());
                    response.getWriter().print("dispatched");
                  }
                })
            .start()) {
      assertEquals("dispatched", get(server, null, null).body());
      assertSame(first.get(10, SECONDS), second.get(10, SECONDS));
      assertTrue(second.get().await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void async_http1ClientCloses_cancelledWithClientDisconnected() throws Exception {
    Async servlet = new Async(0);
    Returned returned = new Returned();
    try (FilterServer server = FilterServer.with(servlet).outer(returned).start();
        Socket socket = server.rawGet("/async")) {
      AsyncContext ac = servlet.async.get(10, SECONDS);
      assertTrue(returned.returned.await(10, SECONDS));
      Context ctx = servlet.ctx.get();
      socket.close();
      assertTrue(ctx.await(Duration.ofSeconds(30)));
      assertInstanceOf(ClientDisconnectedException.class, ctx.cause());
      ac.complete();
    }
  }

  @Test
  void async_http2Reset_cancelledWithClientDisconnected() throws Exception {
    Async servlet = new Async(0);
    Returned returned = new Returned();
    try (FilterServer server = FilterServer.with(servlet).outer(returned).start()) {
      Stream stream = h2Get(server, "/async", HttpFields.EMPTY);
      servlet.async.get(10, SECONDS);
      assertTrue(returned.returned.await(10, SECONDS));
      Context ctx = servlet.ctx.get();
      reset(stream);
      assertTrue(ctx.await(Duration.ofSeconds(30)));
      assertInstanceOf(ClientDisconnectedException.class, ctx.cause());
    }
  }

  @Test
  void async_containerTimeout_cancelledWithTimeoutCause() throws Exception {
    Async servlet = new Async(50);
    try (FilterServer server = FilterServer.with(servlet).start()) {
      CompletableFuture<HttpResponse<String>> response =
          http.sendAsync(
              HttpRequest.newBuilder(server.uri("/async")).build(),
              HttpResponse.BodyHandlers.ofString());
      Context ctx = servlet.ctx.get(10, SECONDS);
      assertTrue(ctx.await(Duration.ofSeconds(30)));
      assertInstanceOf(TimeoutException.class, ctx.cause());
      assertEquals(500, response.get(10, SECONDS).statusCode());
    }
  }

  // ---------------------------------------------------------------- bad configuration

  /** A FilterConfig from a map, as a container would build it from web.xml. */
  private static FilterConfig config(String... nameValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.put(nameValues[i], nameValues[i + 1]);
    }
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "ctx4j";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  private static String initFails(String... nameValues) {
    ContextFilter filter = new ContextFilter();
    return assertThrows(ServletException.class, () -> filter.init(config(nameValues))).getMessage();
  }

  @Test
  void initParams_bad_servletExceptionNamingParamAndValue() {
    for (String bad : new String[] {"30", "PT0S", "-PT1S", "", "thirty seconds"}) {
      String m = initFails(ContextFilter.MAX_TIMEOUT_PARAM, bad);
      assertTrue(m.contains("maxTimeout") && m.contains("ISO-8601"), m);
      assertTrue(m.contains("\"" + bad + "\""), m);
    }
    String m = initFails(ContextFilter.IGNORE_MALFORMED_HEADERS_PARAM, "yes");
    assertTrue(m.contains("ignoreMalformedHeaders") && m.contains("\"yes\""), m);
    m = initFails(ContextFilter.HTTP1_DISCONNECT_WATCHER_PARAM, "1");
    assertTrue(m.contains("http1DisconnectWatcher") && m.contains("true or false"), m);
    m = initFails(ContextFilter.HEADERS_PARAM, "grpc-timeout, X-Timeout");
    assertTrue(m.contains("headers") && m.contains("X-Timeout") && m.contains("grpc-timeout"), m);
    m = initFails("maxTimeOut", "PT1S");
    assertTrue(m.contains("unknown init-param \"maxTimeOut\"") && m.contains("maxTimeout"), m);
  }

  @Test
  void initParams_good_acceptedWithoutJetty() throws Exception {
    ContextFilter filter = new ContextFilter();
    filter.init(
        config(
            ContextFilter.MAX_TIMEOUT_PARAM, "PT10S",
            ContextFilter.IGNORE_MALFORMED_HEADERS_PARAM, "false",
            ContextFilter.HEADERS_PARAM, "Connect-Timeout-Ms, GRPC_TIMEOUT",
            ContextFilter.HTTP1_DISCONNECT_WATCHER_PARAM, "true"));
    Context lifetime = filter.lifetime();
    assertFalse(lifetime.isDone());
    filter.destroy();
    assertInstanceOf(ServerStoppedException.class, lifetime.cause());
  }

  @Test
  void nullArguments_namedExceptions() {
    ContextFilter.Builder b = ContextFilter.builder();
    assertEquals(
        "parent", assertThrows(NullPointerException.class, () -> b.parent(null)).getMessage());
    assertEquals(
        "headers", assertThrows(NullPointerException.class, () -> b.headers(null)).getMessage());
    assertEquals(
        "maxTimeout",
        assertThrows(NullPointerException.class, () -> b.maxTimeout(null)).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.maxTimeout(Duration.ofSeconds(-1)))
            .getMessage()
            .contains("maxTimeout"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> b.maxTimeout(Duration.ZERO))
            .getMessage()
            .contains("maxTimeout"));
    ContextFilter filter = b.build();
    assertEquals(
        "filterConfig",
        assertThrows(NullPointerException.class, () -> filter.init(null)).getMessage());
    assertEquals(
        "request",
        assertThrows(NullPointerException.class, () -> filter.doFilter(null, null, null))
            .getMessage());
    assertEquals(
        "request",
        assertThrows(NullPointerException.class, () -> ContextFilter.context(null)).getMessage());
  }

  @Test
  void lifetime_beforeInit_background_destroyBeforeInit_harmless() {
    ContextFilter filter = new ContextFilter();
    assertSame(Context.background(), filter.lifetime());
    filter.destroy();
    assertNull(filter.lifetime().cause());
  }
}
