package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;

/**
 * Adds a span event {@code ctx4j.cancel} to the span current on the request thread when the request
 * context ends early: attributes {@code ctx4j.cancel.kind}, {@code ctx4j.cancel.origin}, {@code
 * ctx4j.cancel.cause} (the cause's class and message) and, when known, {@code ctx4j.work.stop_ms}.
 * Nothing is recorded without a valid span (no SDK, or no instrumentation).
 */
final class OtelSpanEvents implements RequestEnds {
  static final AttributeKey<String> KIND = AttributeKey.stringKey("ctx4j.cancel.kind");
  static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("ctx4j.cancel.origin");
  static final AttributeKey<String> CAUSE = AttributeKey.stringKey("ctx4j.cancel.cause");
  static final AttributeKey<Double> STOP_MS = AttributeKey.doubleKey("ctx4j.work.stop_ms");

  @Override
  public Object capture() {
    Span span = Span.current();
    return span.getSpanContext().isValid() ? span : null;
  }

  @Override
  public void ended(Object captured, String kind, Context ctx, long stopNanos) {
    if (!(captured instanceof Span span)) {
      return;
    }
    Throwable cause = ctx.cause();
    AttributesBuilder a =
        Attributes.builder()
            .put(KIND, kind)
            .put(ORIGIN, "request")
            .put(
                CAUSE, cause == null ? "" : cause.getClass().getName() + ": " + cause.getMessage());
    if (stopNanos >= 0) {
      a.put(STOP_MS, stopNanos / 1e6);
    }
    span.addEvent("ctx4j.cancel", a.build());
  }
}
