package dev.ctx4j;

import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The tracing switch.
 *
 * <p>Off by default. Turn it on with {@code -Dctx4j.trace=on} or {@link #on()}. While on, core
 * reports every derived cancellable context when it is created and every cancel (or expiry) as a
 * propagation chain: its origin (thread, code site, time), its cause, each context it reached with
 * its time offset, the threads it woke, and — reported by the integrations — the work it stopped (a
 * query cancelled, an exchange aborted, a stream reset). Module {@code ctx4j-observe} turns these
 * into the live tree and the chain pictures. Each chain is also written as JFR events ({@code
 * ctx4j.Cancel}, {@code ctx4j.Hop}, category "ctx4j"), and an {@code await} that parked longer than
 * {@link #longAwaitThreshold()} as {@code ctx4j.LongAwait}; they cost nothing unless a recording
 * enables them, so a recording needs core alone.
 *
 * <p>Value and detached contexts ({@code withValue}, {@code withoutCancel}) are not reported: they
 * hold nothing, register nowhere and cannot be cancelled.
 *
 * <p>While off, core reads one static field at creation and at cancel and does nothing else.
 * Thread-safe.
 */
public final class Tracing {
  /**
   * Read by the node factories and the cancel walk. A plain field, not volatile: the read must cost
   * nothing on the hot path; {@link #on()} publishes it with a fence, and a thread that misses the
   * change for a moment only misses a trace.
   */
  static boolean on;

  private static volatile TraceSink sink;
  private static volatile long longAwaitNanos = 1_000_000_000L;
  private static boolean loaded; // guarded by Tracing.class

  static {
    Trace.bind(new TraceAccess());
    String prop = System.getProperty("ctx4j.trace", "off").trim().toLowerCase(Locale.ROOT);
    if (prop.equals("on") || prop.equals("true")) {
      on();
    }
  }

  private Tracing() {}

  /** True while tracing is on. */
  public static boolean isOn() {
    return on;
  }

  /** Turns tracing on for contexts created and cancelled from now on; loads the sink if needed. */
  public static void on() {
    synchronized (Tracing.class) {
      if (!loaded) {
        loaded = true;
        if (sink == null) {
          for (TraceSink s : ServiceLoader.load(TraceSink.class, Tracing.class.getClassLoader())) {
            sink = s;
            break;
          }
        }
      }
      on = true;
    }
    VarHandle.fullFence();
  }

  /** Turns tracing off; contexts already recorded stay recorded. */
  public static void off() {
    synchronized (Tracing.class) {
      on = false;
    }
    VarHandle.fullFence();
  }

  /** How long an {@code await} must park before it is reported as a long await. */
  public static Duration longAwaitThreshold() {
    return Duration.ofNanos(longAwaitNanos);
  }

  /**
   * Sets the long-await threshold.
   *
   * @throws IllegalArgumentException if {@code threshold} is negative
   */
  public static void longAwaitThreshold(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("threshold must not be negative: " + threshold);
    }
    longAwaitNanos = Deadline.clampedNanos(threshold);
  }

  // ---- hooks called by core --------------------------------------------------------------------

  static TraceSink install(TraceSink replacement) {
    synchronized (Tracing.class) {
      loaded = true;
      TraceSink previous = sink;
      sink = replacement;
      return previous;
    }
  }

  static TraceSink sink() {
    return sink;
  }

  /**
   * Reports a new cancellable context and keeps what the sink returns; returns the node, so a
   * factory can wrap its return value in one call.
   */
  static <N extends CancelNode> N created(N node) {
    if (on) {
      TraceSink s = sink;
      if (s != null) {
        CancelNode scope = node.parent.scope();
        try {
          node.trace(s.created(node, node.parent, scope != null && scope.trace() != null));
        } catch (RuntimeException e) {
          Callbacks.reportUncaught(e);
        }
      }
    }
    return node;
  }

  /** Starts recording the walk of {@code p} from {@code origin}; kept with {@code p}. */
  static TraceWalk begin(CancelNode origin, Propagation p) {
    TraceWalk w = new TraceWalk(origin, p, sink);
    p.trace = w;
    return w;
  }

  static void awaited(Node ctx, long startNanos, boolean done) {
    long parked = System.nanoTime() - startNanos;
    if (parked >= longAwaitNanos) {
      TraceEvents.longAwait(ctx, parked, done);
    }
  }
}
