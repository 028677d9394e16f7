package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.internal.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds lost cancels. While tracing is on, a cancellable context that becomes unreachable without
 * having been cancelled (or having expired) is reported once through {@link System.Logger} {@code
 * dev.ctx4j.observe.leak} at WARNING, with the code that created it, and as a {@code ctx4j.Leak}
 * JFR event. Like Netty's {@code ResourceLeakDetector}, watching has levels: {@link Level#OFF},
 * {@link Level#SAMPLE} (the first cancellable context created in each millisecond, the default: a
 * leak on a hot path is found within a few milliseconds, one on a rare path in proportion to its
 * share of creations) and {@link Level#ALL}. A leak is seen when the garbage collector gets to it,
 * not before.
 *
 * <p>{@link #olderThan} finds the other kind of leak: contexts still live long after they should
 * have ended.
 */
public final class LeakDetector {
  private LeakDetector() {}

  /** How many cancellable contexts are watched. */
  public enum Level {
    /** No context is watched. */
    OFF,
    /** The first cancellable context created in each millisecond is watched (the default). */
    SAMPLE,
    /** Every cancellable context is watched. */
    ALL
  }

  /**
   * One suspicious context.
   *
   * @param id the number of the clock tick it was created in: greater than a {@link
   *     ContextTree#mark()} taken before its creation
   * @param context its derivation step (or path)
   * @param site the code that created it, or empty if unknown
   * @param age how long it lived (or has lived so far)
   */
  public record Report(long id, String context, String site, Duration age) {}

  /** Sets the level for contexts created from now on; also turns tracing on unless OFF. */
  public static void level(Level level) {
    Objects.requireNonNull(level, "level");
    Registry.INSTANCE.leakLevel(level);
    if (level != Level.OFF) {
      ContextTree.enable();
    }
  }

  /** The current level. */
  public static Level level() {
    return Registry.INSTANCE.leaks.level();
  }

  /** The last leaks reported (at most 256), most recent first. */
  public static List<Report> recent() {
    return Registry.INSTANCE.leaks.recent();
  }

  /**
   * Live traced cancellable contexts under {@code root} (at any depth, {@code root} excluded) older
   * than {@code age}, oldest first; each is also logged at WARNING.
   *
   * @throws IllegalArgumentException if {@code age} is negative
   */
  public static List<Report> olderThan(Context root, Duration age) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must not be negative: " + age);
    }
    long now = System.nanoTime();
    List<Report> out = new ArrayList<>();
    for (Map.Entry<Context, Registry.Stamp> e : Registry.INSTANCE.live()) {
      Registry.Stamp stamp = e.getValue();
      long lived = now - stamp.createdNanos;
      if (lived > age.toNanos() && isUnder(e.getKey(), root)) {
        out.add(
            new Report(
                stamp.seq,
                e.getKey().toString(),
                stamp.site == null ? "" : stamp.site.toString(),
                Duration.ofNanos(lived)));
      }
    }
    out.sort((a, b) -> b.age().compareTo(a.age()));
    for (Report r : out) {
      Leaks.LOG.log(
          System.Logger.Level.WARNING,
          "ctx4j: {0} has been live for {1}; created at {2}",
          r.context(),
          Format.duration(r.age().toNanos()),
          r.site().isEmpty() ? "an unknown site" : r.site());
    }
    return out;
  }

  /** True if {@code root} is a strict ancestor of {@code ctx}. */
  @SuppressWarnings("ReferenceEquality") // ancestry is identity
  static boolean isUnder(Context ctx, Context root) {
    for (Context p = Trace.parentOf(ctx).orElse(null);
        p != null;
        p = Trace.parentOf(p).orElse(null)) {
      if (p == root) {
        return true;
      }
    }
    return false;
  }
}
