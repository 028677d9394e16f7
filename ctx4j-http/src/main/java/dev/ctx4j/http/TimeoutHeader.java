package dev.ctx4j.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The request-timeout conventions ctx4j reads and writes. Each parses strictly: only ASCII digits
 * (and, for gRPC, one unit letter), no sign, no whitespace, no separators, a bounded number of
 * digits, so no value can overflow.
 */
public enum TimeoutHeader {
  /**
   * Connect's {@code Connect-Timeout-Ms}: 1 to 10 ASCII digits of milliseconds. Zero means the
   * budget is already spent.
   */
  CONNECT_TIMEOUT_MS("Connect-Timeout-Ms") {
    @Override
    Duration parseValue(String value) {
      return Duration.ofMillis(digits(this, value, 0, value.length(), MAX_MILLIS_DIGITS));
    }

    @Override
    public String format(Duration timeout) {
      return Long.toString(millisAtLeastOne(timeout, MAX_MILLIS));
    }
  },

  /**
   * gRPC's {@code grpc-timeout}: 1 to 8 ASCII digits followed by one unit, {@code H} hours, {@code
   * M} minutes, {@code S} seconds, {@code m} milliseconds, {@code u} microseconds, {@code n}
   * nanoseconds.
   */
  GRPC_TIMEOUT("grpc-timeout") {
    @Override
    Duration parseValue(String value) {
      if (value.isEmpty()) {
        throw new MalformedTimeoutHeaderException(headerName(), "empty value");
      }
      int last = value.length() - 1;
      long amount = digits(this, value, 0, last, 8);
      return switch (value.charAt(last)) {
        case 'H' -> Duration.ofHours(amount);
        case 'M' -> Duration.ofMinutes(amount);
        case 'S' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMillis(amount);
        case 'u' -> Duration.ofNanos(amount * 1_000L);
        case 'n' -> Duration.ofNanos(amount);
        default ->
            throw new MalformedTimeoutHeaderException(
                headerName(), "unit must be one of H M S m u n: " + quote(value));
      };
    }

    @Override
    public String format(Duration timeout) {
      long millis = millisAtLeastOne(timeout, Long.MAX_VALUE);
      if (millis < 100_000_000L) {
        return millis + "m";
      }
      long seconds = millis / 1000;
      if (seconds < 100_000_000L) {
        return seconds + "S";
      }
      return Math.min(seconds / 3600, 99_999_999L) + "H";
    }
  },

  /** Envoy's {@code x-envoy-expected-rq-timeout-ms}: 1 to 10 ASCII digits of milliseconds. */
  ENVOY_EXPECTED_RQ_TIMEOUT_MS("x-envoy-expected-rq-timeout-ms") {
    @Override
    Duration parseValue(String value) {
      return Duration.ofMillis(digits(this, value, 0, value.length(), MAX_MILLIS_DIGITS));
    }

    @Override
    public String format(Duration timeout) {
      return Long.toString(millisAtLeastOne(timeout, MAX_MILLIS));
    }
  };

  private static final int MAX_MILLIS_DIGITS = 10;
  private static final long MAX_MILLIS = 9_999_999_999L;
  private static final int SHOWN_CHARS = 40;

  private final String headerName;

  TimeoutHeader(String headerName) {
    this.headerName = headerName;
  }

  /** The header's name as its convention spells it (HTTP header names are case-insensitive). */
  public String headerName() {
    return headerName;
  }

  /**
   * The timeout in {@code value}, one field value of this header.
   *
   * @throws MalformedTimeoutHeaderException if {@code value} does not follow the convention
   * @throws NullPointerException if {@code value} is null
   */
  public final Duration parse(String value) {
    return parseValue(Objects.requireNonNull(value, "value"));
  }

  abstract Duration parseValue(String value);

  /**
   * {@code timeout} as a value of this header, rounded down to the header's unit but never below
   * one unit (a positive budget is never sent as zero), and capped at the largest value the
   * convention allows. Zero and negative timeouts are sent as the smallest positive value.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  public abstract String format(Duration timeout);

  /** Parses {@code value[from, to)} as 1 to {@code maxDigits} ASCII digits. */
  static long digits(TimeoutHeader header, String value, int from, int to, int maxDigits) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new MalformedTimeoutHeaderException(header.headerName, "empty value");
    }
    if (to <= from) {
      throw new MalformedTimeoutHeaderException(
          header.headerName, "no digits before the unit: " + quote(value));
    }
    if (to - from > maxDigits) {
      throw new MalformedTimeoutHeaderException(
          header.headerName, "more than " + maxDigits + " digits: " + quote(value));
    }
    long result = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new MalformedTimeoutHeaderException(
            header.headerName, "expected only ASCII digits: " + quote(value));
      }
      result = result * 10 + (c - '0'); // at most 10 digits: never overflows
    }
    return result;
  }

  static long millisAtLeastOne(Duration timeout, long max) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      return 1;
    }
    long seconds = timeout.toSeconds();
    if (seconds >= max / 1000) {
      return max;
    }
    long millis = seconds * 1000 + timeout.toNanosPart() / 1_000_000;
    return Math.max(1, Math.min(millis, max));
  }

  /** The value in quotes, shortened so a hostile header cannot flood a log line or a response. */
  static String quote(String value) {
    String shown = value.length() <= SHOWN_CHARS ? value : value.substring(0, SHOWN_CHARS) + "...";
    return "\"" + shown + "\"";
  }
}
