package dev.ctx4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.http.ClientDisconnectedException;
import dev.ctx4j.http.ServerStoppedException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an early end of a request context is classified and reported: the probe's race between the
 * context's callback and the handler returning, and the OpenTelemetry span event (real SDK,
 * in-memory exporter).
 */
class RequestEndsTest {
  @Test
  void kind_eachWayAContextEnds() throws Exception {
    try (CancellableContext plain = Context.background().withCancel()) {
      plain.cancel();
      assertNull(EndProbe.kind(plain), "a completed response is not a cancel");
    }
    try (CancellableContext gone = Context.background().withCancel()) {
      gone.cancel(new ClientDisconnectedException("gone", null));
      assertEquals("client-disconnect", EndProbe.kind(gone));
    }
    try (CancellableContext stop = Context.background().withCancel()) {
      CancellableContext child = stop.withCancel();
      stop.cancel(new ServerStoppedException("stopping"));
      assertEquals("server-stop", EndProbe.kind(child), "a child inherits its parent's cause");
    }
    try (CancellableContext app = Context.background().withCancel()) {
      app.cancel(new IllegalStateException("enough"));
      assertEquals("application", EndProbe.kind(app));
    }
    try (CancellableContext late = Context.background().withTimeout(Duration.ofMillis(1))) {
      late.await();
      assertEquals("deadline", EndProbe.kind(late));
    }
  }

  private static List<EventData> runProbe(
      Context ctx, Runnable end, boolean endFirst, boolean async) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      Span span = provider.get("test").spanBuilder("GET /report").startSpan();
      EndProbe probe;
      try (Scope unused = span.makeCurrent()) {
        probe = new EndProbe(ctx, List.of(new OtelSpanEvents()));
      }
      end.run();
      if (endFirst) {
        probe.run();
        probe.returned(async);
      } else {
        probe.returned(async);
        probe.run();
      }
      span.end();
      List<SpanData> spans = exporter.getFinishedSpanItems();
      assertEquals(1, spans.size());
      return spans.get(0).getEvents();
    }
  }

  @Test
  void clientLeft_spanEventWithKindCauseAndStopLatency_eitherOrder() {
    for (boolean endFirst : new boolean[] {true, false}) {
      CancellableContext ctx = Context.background().withCancel();
      List<EventData> events =
          runProbe(
              ctx,
              () -> ctx.cancel(new ClientDisconnectedException("the client closed", null)),
              endFirst,
              false);
      assertEquals(1, events.size(), "endFirst=" + endFirst);
      EventData e = events.get(0);
      assertEquals("ctx4j.cancel", e.getName());
      assertEquals("client-disconnect", e.getAttributes().get(OtelSpanEvents.KIND));
      assertEquals("request", e.getAttributes().get(OtelSpanEvents.ORIGIN));
      assertTrue(
          e.getAttributes().get(OtelSpanEvents.CAUSE).contains("the client closed"),
          e.getAttributes().toString());
      Double stop = e.getAttributes().get(OtelSpanEvents.STOP_MS);
      assertTrue(stop != null && stop >= 0, "stop latency " + stop);
    }
  }

  @Test
  void async_noStopLatency() {
    CancellableContext ctx = Context.background().withCancel();
    List<EventData> events =
        runProbe(ctx, () -> ctx.cancel(new ServerStoppedException("stopping")), false, true);
    assertEquals(1, events.size());
    assertEquals("server-stop", events.get(0).getAttributes().get(OtelSpanEvents.KIND));
    assertNull(events.get(0).getAttributes().get(OtelSpanEvents.STOP_MS));
  }

  @Test
  void completedResponse_noEvent() {
    CancellableContext ctx = Context.background().withCancel();
    assertTrue(runProbe(ctx, ctx::cancel, true, false).isEmpty());
  }

  @Test
  void noSpan_nothingRecordedNothingThrown() {
    CancellableContext ctx = Context.background().withCancel();
    EndProbe probe = new EndProbe(ctx, List.of(new OtelSpanEvents()));
    ctx.cancel(new ClientDisconnectedException("gone", null));
    probe.run();
    probe.returned(false); // would throw if the listener mishandled the missing span
    assertEquals("client-disconnect", EndProbe.kind(ctx));
  }
}
