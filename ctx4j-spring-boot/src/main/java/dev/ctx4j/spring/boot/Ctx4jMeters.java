package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Micrometer meters: {@code ctx4j.cancels} (counter; tags {@code kind} and {@code origin}, here
 * always {@code request}: the request context) and {@code ctx4j.work.stop} (timer; tag {@code
 * kind}: from the request context ending to its handler returning, for requests that had not gone
 * asynchronous).
 */
final class Ctx4jMeters implements RequestEnds {
  private final ObjectProvider<MeterRegistry> registry;

  Ctx4jMeters(ObjectProvider<MeterRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Object capture() {
    return null;
  }

  @Override
  public void ended(Object captured, String kind, Context ctx, long stopNanos) {
    MeterRegistry r = registry.getIfAvailable();
    if (r == null) {
      return;
    }
    Counter.builder("ctx4j.cancels")
        .description(
            "Request contexts ended by a deadline, a client leaving, a stop or the application")
        .tag("kind", kind)
        .tag("origin", "request")
        .register(r)
        .increment();
    if (stopNanos >= 0) {
      Timer.builder("ctx4j.work.stop")
          .description("From a request context ending to its handler returning")
          .tag("kind", kind)
          .register(r)
          .record(stopNanos, TimeUnit.NANOSECONDS);
    }
  }
}
