package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;

/**
 * Hears about request contexts that something other than the response completing ended: a deadline,
 * the client leaving, the server stopping, or the application. Implemented by the Micrometer meters
 * and the OpenTelemetry span events. Implementations must not throw and must not block: {@link
 * #ended} runs on a context's callback thread or the request thread.
 */
interface RequestEnds {
  /** On the request thread, before the handler runs: what {@link #ended} needs from it. */
  Object capture();

  /**
   * The request context ended early.
   *
   * @param captured what {@link #capture} returned for this request
   * @param kind {@code deadline}, {@code client-disconnect}, {@code server-stop} or {@code
   *     application}
   * @param ctx the request context (its {@code err()} and {@code cause()} say why)
   * @param stopNanos from the end being observed to the handler returning; -1 when unknown (the
   *     request went asynchronous)
   */
  void ended(Object captured, String kind, Context ctx, long stopNanos);
}
