package dev.ctx4j;

import dev.ctx4j.internal.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * A point on the monotonic clock ({@link System#nanoTime()} based, never the wall clock).
 *
 * <p>Points compare with {@code a - b < 0}, as {@code nanoTime} values must, and are clamped to at
 * most {@link #HORIZON_NANOS} (about 146 years) ahead of their creation and {@link #PAST_NANOS}
 * (about 73 years) behind it, so no timeout, however large, overflows, and two points made within
 * 73 years of each other always compare correctly. Immutable; safe to share between threads.
 */
public final class Deadline implements Comparable<Deadline> {
  /** The farthest a deadline may lie from now: 2^62 ns, about 146 years. */
  static final long HORIZON_NANOS = 1L << 62;

  /**
   * The farthest a deadline may lie in the past: 2^61 ns. Any passed deadline is simply passed; the
   * smaller bound keeps {@code a - b} of two points within a long (2^62 + 2^61 + elapsed).
   */
  static final long PAST_NANOS = 1L << 61;

  final long nanos; // on Timers.get()'s time line

  Deadline(long nanos) {
    this.nanos = nanos;
  }

  /**
   * Saturating conversion of {@code d} to nanoseconds, clamped to [-{@link #PAST_NANOS}, {@link
   * #HORIZON_NANOS}].
   */
  static long clampedNanos(Duration d) {
    long seconds = d.toSeconds();
    if (seconds >= HORIZON_NANOS / 1_000_000_000L) {
      return HORIZON_NANOS;
    }
    if (seconds <= -PAST_NANOS / 1_000_000_000L) {
      return -PAST_NANOS;
    }
    return seconds * 1_000_000_000L + d.toNanosPart();
  }

  /** Time left until this point: negative or zero once passed. */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  long remainingNanos() {
    return nanos - Timers.get().nanoTime();
  }

  /** True once this point has passed. */
  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /**
   * A wall-clock estimate of this point (now plus {@link #remaining()}), for display and headers.
   */
  public Instant toInstant() {
    return Instant.now().plusNanos(remainingNanos());
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.signum(nanos - other.nanos);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline other && other.nanos == nanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanos);
  }

  /** The remaining time in Go's duration format, e.g. {@code Deadline[in 1.5s]}. */
  @Override
  public String toString() {
    long left = remainingNanos();
    return left > 0
        ? "Deadline[in " + Durations.format(left) + "]"
        : "Deadline[" + Durations.format(-left) + " ago]";
  }
}
