package dev.ctx4j.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which timeout headers a server reads and which one a client writes. Immutable; safe to share.
 *
 * <p>{@link #defaults()} reads Connect's {@code Connect-Timeout-Ms}, gRPC's {@code grpc-timeout}
 * and Envoy's {@code x-envoy-expected-rq-timeout-ms}, and writes {@code Connect-Timeout-Ms}. When a
 * request carries several of them, the smallest timeout wins.
 */
public final class DeadlineHeaders {
  private static final DeadlineHeaders DEFAULTS =
      new DeadlineHeaders(
          List.of(
              TimeoutHeader.CONNECT_TIMEOUT_MS,
              TimeoutHeader.GRPC_TIMEOUT,
              TimeoutHeader.ENVOY_EXPECTED_RQ_TIMEOUT_MS),
          TimeoutHeader.CONNECT_TIMEOUT_MS);

  private final List<TimeoutHeader> read;
  private final TimeoutHeader write; // null: write nothing

  private DeadlineHeaders(List<TimeoutHeader> read, TimeoutHeader write) {
    this.read = read;
    this.write = write;
  }

  /** Reads all three conventions; writes {@code Connect-Timeout-Ms}. */
  public static DeadlineHeaders defaults() {
    return DEFAULTS;
  }

  /**
   * Reads exactly {@code read} (none: every request is without a header) and writes {@code write}
   * (null: clients send no timeout header).
   *
   * @throws NullPointerException if {@code read} or one of its elements is null
   */
  public static DeadlineHeaders of(List<TimeoutHeader> read, TimeoutHeader write) {
    Objects.requireNonNull(read, "read");
    List<TimeoutHeader> copy = new ArrayList<>();
    for (TimeoutHeader h : read) {
      Objects.requireNonNull(h, "read contains null");
      if (!copy.contains(h)) {
        copy.add(h);
      }
    }
    return new DeadlineHeaders(List.copyOf(copy), write);
  }

  /** The headers read, in the order they are checked. */
  public List<TimeoutHeader> read() {
    return read;
  }

  /** The header a client writes, if any. */
  public Optional<TimeoutHeader> write() {
    return Optional.ofNullable(write);
  }

  /**
   * The smallest timeout among the headers read, looked up through {@code valuesOf} (all field
   * values of a header, by name; an empty list when absent). A header present more than once, or
   * with a comma-separated list, is malformed: a request must say one thing.
   *
   * @throws MalformedTimeoutHeaderException naming the first malformed header
   * @throws NullPointerException if {@code valuesOf} is null
   */
  public Optional<Duration> timeout(Function<String, List<String>> valuesOf) {
    Objects.requireNonNull(valuesOf, "valuesOf");
    Duration smallest = null;
    for (TimeoutHeader header : read) {
      List<String> values = valuesOf.apply(header.headerName());
      if (values == null || values.isEmpty()) {
        continue;
      }
      if (values.size() > 1) {
        throw new MalformedTimeoutHeaderException(
            header.headerName(), "present " + values.size() + " times; expected one value");
      }
      String value = values.get(0);
      if (value != null && value.indexOf(',') >= 0) {
        throw new MalformedTimeoutHeaderException(
            header.headerName(), "a list of values; expected one: " + TimeoutHeader.quote(value));
      }
      Duration d = header.parse(value == null ? "" : value);
      if (smallest == null || d.compareTo(smallest) < 0) {
        smallest = d;
      }
    }
    return Optional.ofNullable(smallest);
  }

  @Override
  public String toString() {
    return "DeadlineHeaders[read=" + read + ", write=" + write + "]";
  }
}
