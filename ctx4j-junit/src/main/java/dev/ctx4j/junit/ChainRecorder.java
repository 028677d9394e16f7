package dev.ctx4j.junit;

import dev.ctx4j.Context;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.junit.internal.ChainCapture;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.ObserveSink;
import dev.ctx4j.observe.Render;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Assertions on propagation chains for tests: record while a test triggers a cancel, then wait
 * (without polling) until a chain shows what the test expects — a hop of a kind, work stopped, a
 * thread woken, a context reached — and read it (hops, offsets, services). Every wait is bounded
 * and fails with the chains recorded so far drawn as text.
 *
 * <pre>{@code
 * try (ChainRecorder chains = ChainRecorder.start()) {
 *   request.cancel(new IllegalStateException("client left"));
 *   ContextTree.Chain c = chains.awaitWorkStopped(Duration.ofSeconds(2));
 *   assertTrue(c.workStoppedNanos() < 100_000_000L, Render.chainsText(List.of(c)));
 * }
 * }</pre>
 *
 * <p>Turns tracing on while open (and puts the previous state back on {@link #close()}); chains
 * begun before {@link #start()} are not seen. Tests run in parallel in one JVM see each other's
 * chains: use it with sequential execution.
 */
public final class ChainRecorder implements AutoCloseable {
  private final ChainCapture capture;
  private final Instant since;

  private ChainRecorder() {
    ContextTree.enable();
    since = Instant.now();
    capture = new ChainCapture(new ObserveSink());
  }

  /** Starts recording. */
  public static ChainRecorder start() {
    return new ChainRecorder();
  }

  /** The chains begun since {@link #start()}, most recent first, routine ends included. */
  public List<ContextTree.Chain> chains() {
    return ContextTree.chains(true).stream().filter(c -> !c.startedAt().isBefore(since)).toList();
  }

  /**
   * The most recent chain that satisfies {@code matching}, waiting up to {@code within} for one. A
   * zero or negative bound looks once; one too long to count in nanoseconds (about 292 years) waits
   * until a chain comes.
   *
   * @throws AssertionError if none did in time, with the chains recorded drawn as text
   * @throws InterruptedException if interrupted while waiting
   */
  public ContextTree.Chain awaitChain(
      String what, Predicate<ContextTree.Chain> matching, Duration within)
      throws InterruptedException {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(matching, "matching");
    Objects.requireNonNull(within, "within");
    AtomicReference<ContextTree.Chain> found = new AtomicReference<>();
    capture.awaitUntil(
        () -> {
          chains().stream().filter(matching).findFirst().ifPresent(found::set);
          return found.get() != null;
        },
        within);
    ContextTree.Chain c = found.get();
    if (c == null) {
      throw failure(what, within);
    }
    return c;
  }

  /** A chain with a hop of {@code kind} (e.g. {@code query stopped}, {@code exchange aborted}). */
  public ContextTree.Chain awaitHop(String kind, Duration within) throws InterruptedException {
    Objects.requireNonNull(kind, "kind");
    return awaitChain(
        "a '" + kind + "' hop",
        c -> c.hops().stream().anyMatch(h -> h.kind().equals(kind)),
        within);
  }

  /** A chain in which work stopped (a query, an exchange, a call, an interrupted thread). */
  public ContextTree.Chain awaitWorkStopped(Duration within) throws InterruptedException {
    return awaitChain("work stopped", c -> c.workStoppedNanos() >= 0, within);
  }

  /** A chain that woke (or ran a hop on) the thread named {@code thread}. */
  public ContextTree.Chain awaitThreadReached(String thread, Duration within)
      throws InterruptedException {
    Objects.requireNonNull(thread, "thread");
    return awaitChain(
        "thread " + thread + " reached",
        c ->
            c.hops().stream()
                .anyMatch(h -> h.woken().contains(thread) || h.thread().equals(thread)),
        within);
  }

  /**
   * A chain that began at {@code ctx} or reached it: its origin is {@code ctx}, or it has a hop for
   * {@code ctx}'s last segment (e.g. {@code withTimeout(1s)}) and began at an ancestor of {@code
   * ctx}.
   */
  public ContextTree.Chain awaitReached(Context ctx, Duration within) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    String path = ctx.toString();
    String segment = Trace.segmentOf(ctx);
    return awaitChain(
        path + " reached",
        c ->
            c.origin().equals(path)
                || (path.startsWith(c.origin() + ".")
                    && c.hops().stream().anyMatch(h -> h.segment().equals(segment))),
        within);
  }

  private AssertionError failure(String what, Duration within) {
    StringBuilder msg =
        new StringBuilder("ctx4j: no chain with ").append(what).append(" within ").append(within);
    List<ContextTree.Chain> seen = chains();
    if (seen.isEmpty()) {
      msg.append("; no chain began since the recorder started");
    }
    if (!seen.isEmpty()) {
      msg.append('\n').append(Render.chainsText(seen));
    }
    return new AssertionError(msg.toString());
  }

  /** Stops recording; tracing is left as it was before {@link #start()}. */
  @Override
  public void close() {
    capture.close();
  }
}
