package dev.ctx4j.spring.boot.app;

import dev.ctx4j.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the tests learn from {@code /hold}: when a request entered its handler, and when and why its
 * request context ended, measured inside the server's JVM.
 */
public final class Holds {
  /** One held request. */
  public record Hold(CompletableFuture<Void> entered, CompletableFuture<Ended> ended) {}

  /** When ({@link System#nanoTime()}) and why a held request's context ended. */
  public record Ended(long nanoTime, Throwable cause) {}

  private static final ConcurrentMap<String, Hold> HOLDS = new ConcurrentHashMap<>();

  private Holds() {}

  /** The hold for {@code token}, created on first use by the test or the handler. */
  public static Hold of(String token) {
    return HOLDS.computeIfAbsent(
        token, t -> new Hold(new CompletableFuture<>(), new CompletableFuture<>()));
  }

  static void entered(String token, Context ctx) {
    Hold h = of(token);
    var unused = ctx.afterDone(() -> h.ended().complete(new Ended(System.nanoTime(), ctx.cause())));
    h.entered().complete(null);
  }

  /** Forgets {@code token}. */
  public static void remove(String token) {
    HOLDS.remove(token);
  }
}
