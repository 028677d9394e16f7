package dev.ctx4j.internal;

import java.time.Duration;

/**
 * ctx4j's one duration formatter: exactly Go's {@code time.Duration.String()} (1.5s, 250ms, 2m0s,
 * 1h0m0s) for contexts' {@code toString()}, and the same text rounded for pictures ({@link
 * #rounded}). Exported only to ctx4j's own modules; not an API.
 */
public final class Durations {
  private Durations() {}

  /** {@code d} as Go prints it; beyond Go's range (a long of nanoseconds), in whole seconds. */
  public static String format(Duration d) {
    try {
      return format(d.toNanos()); // fits in a long of nanoseconds, as Go's Duration does
    } catch (ArithmeticException beyondGoRange) {
      // Beyond Go's range (about 292 years): same layout, whole seconds only.
      long seconds = d.toSeconds();
      String sign = seconds < 0 ? "-" : "";
      Duration m = seconds == Long.MIN_VALUE ? Duration.ofSeconds(Long.MAX_VALUE) : d.abs();
      return sign + m.toHours() + "h" + m.toMinutesPart() + "m" + m.toSecondsPart() + "s";
    }
  }

  /**
   * {@code nanos} as Go prints it, rounded first to one decimal of its unit below a minute (850ns,
   * 12.5µs, 69.3ms, 1.5s) and to whole seconds above (2m3s, 1h0m0s): for pictures and logs, where
   * nine digits say less.
   */
  public static String rounded(long nanos) {
    if (nanos < 0) {
      return nanos == Long.MIN_VALUE ? format(nanos) : "-" + rounded(-nanos);
    }
    long step;
    if (nanos < 1_000L) {
      return format(nanos);
    } else if (nanos < 1_000_000L) {
      step = 100L;
    } else if (nanos < 1_000_000_000L) {
      step = 100_000L;
    } else if (nanos < 60_000_000_000L) {
      step = 100_000_000L;
    } else {
      return format(nanos - nanos % 1_000_000_000L); // whole seconds, never rounded up
    }
    long r = nanos / step * step;
    if (nanos - r >= step / 2 && r <= Long.MAX_VALUE - step) {
      r += step;
    }
    return format(r);
  }

  /** {@code nanos} exactly as Go's {@code time.Duration.String()} prints it. */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (nanos < 0) {
      sb.append('-');
    }
    // Work on the magnitude as an unsigned value (Long.MIN_VALUE has no positive counterpart).
    long u = nanos < 0 ? -nanos : nanos;
    if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
      if (u < 1_000L) {
        return sb.append(u).append("ns").toString();
      }
      if (u < 1_000_000L) {
        return fraction(sb, u, 1_000L).append("µs").toString();
      }
      return fraction(sb, u, 1_000_000L).append("ms").toString();
    }
    long totalSeconds = Long.divideUnsigned(u, 1_000_000_000L);
    long subSecond = Long.remainderUnsigned(u, 1_000_000_000L);
    long hours = totalSeconds / 3600;
    long minutes = (totalSeconds / 60) % 60;
    long seconds = totalSeconds % 60;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(seconds);
    appendFraction(sb, subSecond, 1_000_000_000L);
    return sb.append('s').toString();
  }

  private static StringBuilder fraction(StringBuilder sb, long value, long unit) {
    sb.append(value / unit);
    appendFraction(sb, value % unit, unit);
    return sb;
  }

  /** Appends ".ddd" for {@code rest / unit} with trailing zeros dropped; nothing when zero. */
  private static void appendFraction(StringBuilder sb, long rest, long unit) {
    if (rest == 0) {
      return;
    }
    String digits = Long.toString(unit + rest).substring(1); // zero-padded to the unit's width
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    sb.append('.').append(digits, 0, end);
  }
}
