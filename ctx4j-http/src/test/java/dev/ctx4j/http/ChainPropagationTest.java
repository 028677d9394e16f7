package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.Context;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import dev.ctx4j.junit.internal.ChainCapture;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.io.Content;
import org.junit.jupiter.api.Test;

/**
 * The {@code Ctx4j-Parent} header end to end on real Jetty servers: a request context records the
 * context of the calling service it came from, the aborted exchange is a hop of the caller's chain
 * with the same ref, and malformed or hostile values are ignored while the request is served.
 */
class ChainPropagationTest {
  private final HttpClient plain = HttpClient.newHttpClient();

  @Test
  void upstreamHangsUp_downstreamChainNamesTheAbortedExchangeAsItsRemoteParent() throws Exception {
    CountDownLatch downstreamEntered = new CountDownLatch(1);
    ContextHttpClient http =
        ContextHttpClient.builder(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
            .build();
    try (ChainCapture capture = new ChainCapture();
        TestServer down =
            TestServer.start(
                (req, res, cb) -> {
                  downstreamEntered.countDown();
                  Context.current().await(Duration.ofSeconds(30));
                  cb.succeeded();
                  return true;
                },
                b -> b.parent(Context.background().withValue(Trace.SERVICE, "down")));
        TestServer up =
            TestServer.start(
                (req, res, cb) -> {
                  http.send(
                      Context.current(),
                      HttpRequest.newBuilder(down.uri("/work")).build(),
                      HttpResponse.BodyHandlers.ofString());
                  cb.succeeded();
                  return true;
                },
                b -> b.parent(Context.background().withValue(Trace.SERVICE, "up")));
        Socket client = up.rawGet("/checkout")) {
      assertTrue(downstreamEntered.await(10, SECONDS));
      client.close(); // the client hangs up on "up"
      TraceSink.Start upChain = capture.awaitStart("GET /checkout");
      assertEquals("up", upChain.service());
      assertInstanceOf(ClientDisconnectedException.class, upChain.cause());
      TraceSink.Hop aborted = capture.await(HopKind.EXCHANGE_ABORTED);
      assertEquals("GET /work", aborted.detail());
      TraceSink.Start downChain = capture.awaitStart("GET /work");
      assertEquals("down", downChain.service());
      assertInstanceOf(ClientDisconnectedException.class, downChain.cause());
      assertEquals(aborted.ref(), downChain.remoteParent(), "the downstream chain joins the abort");
    }
  }

  @Test
  void malformedOrHostileParentHeader_ignored_requestServed() throws Exception {
    List<String> bad =
        List.of(
            "",
            "x",
            "UPPER-CASE.1f",
            "abc-1.zz",
            "abc-1.123456789",
            "abc-1.1f;drop",
            "a".repeat(ChainHeader.MAX_LENGTH + 1),
            "abc-1.1f abc-1.2f");
    try (ChainCapture capture = new ChainCapture();
        TestServer server =
            TestServer.start(
                (req, res, cb) -> {
                  Content.Sink.write(res, true, "ok", cb);
                  return true;
                })) {
      for (String value : bad) {
        HttpResponse<String> r =
            plain.send(
                HttpRequest.newBuilder(server.uri("/v")).header(ChainHeader.NAME, value).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), value);
      }
      HttpResponse<String> twice =
          plain.send(
              HttpRequest.newBuilder(server.uri("/twice"))
                  .header(ChainHeader.NAME, "abc-1.1f")
                  .header(ChainHeader.NAME, "abc-1.2f")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, twice.statusCode());
      assertNull(capture.awaitStart("GET /twice").remoteParent(), "a repeated header is ignored");
      long withParent = capture.starts.stream().filter(s -> s.request().equals("GET /v")).count();
      assertEquals(bad.size(), withParent, "one request context per request");
      for (TraceSink.Start s : capture.starts) {
        assertNull(s.remoteParent(), "no malformed value is kept: " + s.remoteParent());
      }
      HttpResponse<String> good =
          plain.send(
              HttpRequest.newBuilder(server.uri("/good"))
                  .header(ChainHeader.NAME, "1x3k-9f.5e2a1b7")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, good.statusCode());
      assertEquals("1x3k-9f.5e2a1b7", capture.awaitStart("GET /good").remoteParent());
    }
  }

  @Test
  void parse_acceptsOnlyOneWellFormedValue() {
    assertEquals("a-b.0", ChainHeader.parse(List.of("a-b.0")));
    assertNull(ChainHeader.parse(List.of()));
    assertNull(ChainHeader.parse(null));
    assertNull(ChainHeader.parse(List.of("a-b.0", "a-b.0")));
    assertNull(ChainHeader.parse(List.of("a-b.0\r\nX: y")));
  }

  @Test
  void tracingOff_noHeaderSent() {
    HttpRequest r = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1/x")).build();
    boolean wasOn = dev.ctx4j.Tracing.isOn();
    dev.ctx4j.Tracing.off();
    try {
      HttpRequest out = ChainHeader.withParent(Context.background().withCancel(), r);
      assertTrue(out.headers().firstValue(ChainHeader.NAME).isEmpty());
    } finally {
      if (wasOn) {
        dev.ctx4j.Tracing.on();
      }
    }
  }

  @Test
  void otelTraceparent_sentInsteadOfTheCtx4jHeader_receiverRecordsIt_senderRecordsItsContext()
      throws Exception {
    // an OpenTelemetry-instrumented caller: an SDK client span, injected by the W3C propagator
    List<String> exported = new java.util.concurrent.CopyOnWriteArrayList<>();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting(exported)))
            .build();
    Span span =
        provider
            .get("ctx4j-test")
            .spanBuilder("GET /otel")
            .setSpanKind(SpanKind.CLIENT)
            .startSpan();
    HttpRequest.Builder builder = HttpRequest.newBuilder();
    try (Scope unused = span.makeCurrent()) {
      W3CTraceContextPropagator.getInstance()
          .inject(io.opentelemetry.context.Context.current(), builder, HttpRequest.Builder::header);
    }
    assertTrue(span.getSpanContext().isValid(), "the SDK made a real span");
    String expected =
        "w3c:" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId();
    List<String> ctx4jHeaderSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    ContextHttpClient http = ContextHttpClient.builder(plain).build();
    try (ChainCapture capture = new ChainCapture();
        TestServer server =
            TestServer.start(
                (req, res, cb) -> {
                  ctx4jHeaderSeen.addAll(req.getHeaders().getValuesList(ChainHeader.NAME));
                  Content.Sink.write(res, true, "ok", cb);
                  return true;
                })) {
      dev.ctx4j.CancellableContext caller =
          Context.background().withValue(Trace.SERVICE, "up").withCancel();
      HttpRequest withTraceparent = builder.uri(server.uri("/otel")).build();
      assertEquals(
          List.of(
              "00-" + expected.substring(4) + "-" + span.getSpanContext().getTraceFlags().asHex()),
          withTraceparent.headers().allValues(Trace.TRACEPARENT),
          "the OpenTelemetry SDK wrote the traceparent");
      HttpResponse<String> r =
          http.send(caller, withTraceparent, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(
          List.of(), ctx4jHeaderSeen, "a request with a traceparent needs no Ctx4j-Parent");
      assertEquals(expected, capture.awaitStart("GET /otel").remoteParent());
      TraceSink.Sent sent =
          capture.sent.stream().filter(x -> x.request().equals("GET /otel")).findFirst().get();
      assertEquals(expected, sent.via(), "the sender records what the receiver will see");
      assertEquals(Trace.ref(caller), sent.ref(), "... and which of its contexts sent it");
      caller.cancel();
    } finally {
      span.end();
      provider.close();
    }
    assertEquals(List.of("GET /otel"), exported, "the client span went through the SDK");
  }

  /** Collects the names of the spans the SDK exports. */
  private record Collecting(List<String> names) implements SpanExporter {
    @Override
    public CompletableResultCode export(java.util.Collection<SpanData> spans) {
      spans.forEach(s -> names.add(s.getName()));
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Test
  void malformedOrRepeatedTraceparent_ignored_requestServed() throws Exception {
    String good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    List<String> bad =
        List.of(
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            good + "-trailing",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-" + "x".repeat(300),
            "garbage");
    try (ChainCapture capture = new ChainCapture();
        TestServer server =
            TestServer.start(
                (req, res, cb) -> {
                  Content.Sink.write(res, true, "ok", cb);
                  return true;
                })) {
      for (String value : bad) {
        HttpResponse<String> r =
            plain.send(
                HttpRequest.newBuilder(server.uri("/tp")).header(Trace.TRACEPARENT, value).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), value);
      }
      HttpResponse<String> twice =
          plain.send(
              HttpRequest.newBuilder(server.uri("/tp-twice"))
                  .header(Trace.TRACEPARENT, good)
                  .header(Trace.TRACEPARENT, good)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, twice.statusCode());
      assertNull(capture.awaitStart("GET /tp-twice").remoteParent(), "a repeated value");
      for (TraceSink.Start s : capture.starts) {
        assertNull(s.remoteParent(), "no malformed value is kept: " + s.remoteParent());
      }
      HttpResponse<String> both =
          plain.send(
              HttpRequest.newBuilder(server.uri("/both"))
                  .header(Trace.TRACEPARENT, good)
                  .header(ChainHeader.NAME, "1x3k-9f.5e2a1b7")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, both.statusCode());
      assertEquals(
          "1x3k-9f.5e2a1b7",
          capture.awaitStart("GET /both").remoteParent(),
          "Ctx4j-Parent names the context itself: it wins");
    }
  }
}
