package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutHeaderTest {

  @Test
  void connectTimeoutMs_digits_millis() {
    assertEquals(Duration.ofMillis(250), TimeoutHeader.CONNECT_TIMEOUT_MS.parse("250"));
    assertEquals(Duration.ZERO, TimeoutHeader.CONNECT_TIMEOUT_MS.parse("0"));
    assertEquals(
        Duration.ofMillis(9_999_999_999L), TimeoutHeader.CONNECT_TIMEOUT_MS.parse("9999999999"));
  }

  @Test
  void envoyExpectedRqTimeoutMs_digits_millis() {
    assertEquals(
        Duration.ofMillis(15_000), TimeoutHeader.ENVOY_EXPECTED_RQ_TIMEOUT_MS.parse("15000"));
  }

  @Test
  void grpcTimeout_everyUnit_parsed() {
    assertEquals(Duration.ofHours(2), TimeoutHeader.GRPC_TIMEOUT.parse("2H"));
    assertEquals(Duration.ofMinutes(3), TimeoutHeader.GRPC_TIMEOUT.parse("3M"));
    assertEquals(Duration.ofSeconds(5), TimeoutHeader.GRPC_TIMEOUT.parse("5S"));
    assertEquals(Duration.ofMillis(100), TimeoutHeader.GRPC_TIMEOUT.parse("100m"));
    assertEquals(Duration.ofNanos(7_000), TimeoutHeader.GRPC_TIMEOUT.parse("7u"));
    assertEquals(Duration.ofNanos(99_999_999), TimeoutHeader.GRPC_TIMEOUT.parse("99999999n"));
    assertEquals(Duration.ofHours(99_999_999), TimeoutHeader.GRPC_TIMEOUT.parse("99999999H"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "abc",
        "-1",
        "+5",
        "1.5",
        "1e3",
        " 5",
        "5 ",
        "5\t",
        "1 000",
        "0x10",
        "12345678901",
        "99999999999999999999",
        "-9223372036854775808",
        "5m",
        "٣",
        "1,2",
        "５"
      })
  void connectTimeoutMs_garbage_malformedNamingHeader(String value) {
    MalformedTimeoutHeaderException e =
        assertThrows(
            MalformedTimeoutHeaderException.class,
            () -> TimeoutHeader.CONNECT_TIMEOUT_MS.parse(value));
    assertEquals("Connect-Timeout-Ms", e.headerName());
    assertTrue(e.getMessage().contains("Connect-Timeout-Ms"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "m",
        "S",
        "100",
        "100x",
        "100s",
        "100h",
        "-1S",
        "+1S",
        " 1S",
        "1S ",
        "1 S",
        "123456789S",
        "99999999999999999999m",
        "1.5S",
        "1SS",
        "1mS",
        "0x1S",
        "1,2S",
        "１S"
      })
  void grpcTimeout_garbage_malformedNamingHeader(String value) {
    MalformedTimeoutHeaderException e =
        assertThrows(
            MalformedTimeoutHeaderException.class, () -> TimeoutHeader.GRPC_TIMEOUT.parse(value));
    assertEquals("grpc-timeout", e.headerName());
    assertTrue(e.getMessage().contains("grpc-timeout"), e.getMessage());
  }

  @Test
  void parse_null_npeNamingValue() {
    NullPointerException e =
        assertThrows(
            NullPointerException.class,
            () -> TimeoutHeader.ENVOY_EXPECTED_RQ_TIMEOUT_MS.parse(null));
    assertEquals("value", e.getMessage());
  }

  @Test
  void malformed_hugeValue_messageShortened() {
    String huge = "9".repeat(10_000);
    MalformedTimeoutHeaderException e =
        assertThrows(
            MalformedTimeoutHeaderException.class,
            () -> TimeoutHeader.CONNECT_TIMEOUT_MS.parse(huge));
    assertTrue(e.getMessage().length() < 200, e.getMessage());
  }

  @Test
  void format_roundsDownButNeverBelowOneUnit() {
    assertEquals("1500", TimeoutHeader.CONNECT_TIMEOUT_MS.format(Duration.ofNanos(1_500_999_999)));
    assertEquals("1", TimeoutHeader.CONNECT_TIMEOUT_MS.format(Duration.ofNanos(10)));
    assertEquals("1", TimeoutHeader.CONNECT_TIMEOUT_MS.format(Duration.ZERO));
    assertEquals("1", TimeoutHeader.CONNECT_TIMEOUT_MS.format(Duration.ofSeconds(-5)));
    assertEquals("250m", TimeoutHeader.GRPC_TIMEOUT.format(Duration.ofMillis(250)));
  }

  @Test
  void format_enormous_cappedToWhatParses() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    for (TimeoutHeader h : TimeoutHeader.values()) {
      String v = h.format(forever);
      Duration back = h.parse(v);
      assertTrue(back.compareTo(Duration.ofDays(100)) > 0, h + " " + v);
    }
    assertEquals("9999999999", TimeoutHeader.CONNECT_TIMEOUT_MS.format(forever));
    assertEquals("99999999H", TimeoutHeader.GRPC_TIMEOUT.format(forever));
    assertEquals("100000S", TimeoutHeader.GRPC_TIMEOUT.format(Duration.ofSeconds(100_000)));
  }

  @Test
  void format_parse_roundTripsWithinOneMillisecond() {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < 1_000; i++) {
      Duration d =
          Duration.ofNanos(1_000_000 + (random.nextLong() & Long.MAX_VALUE) % 86_400_000_000_000L);
      for (TimeoutHeader h : TimeoutHeader.values()) {
        Duration back = h.parse(h.format(d));
        assertTrue(back.compareTo(d) <= 0, "seed " + seed + ": " + h + " " + d + " -> " + back);
        assertTrue(
            d.minus(back).compareTo(Duration.ofSeconds(1)) < 0,
            "seed " + seed + ": " + h + " " + d + " -> " + back);
      }
    }
  }

  @Test
  void format_null_npeNamingTimeout() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> TimeoutHeader.GRPC_TIMEOUT.format(null));
    assertEquals("timeout", e.getMessage());
  }

  @Test
  void deadlineHeaders_severalHeaders_smallestWins() {
    Map<String, List<String>> h =
        Map.of(
            "Connect-Timeout-Ms", List.of("900"),
            "grpc-timeout", List.of("1S"),
            "x-envoy-expected-rq-timeout-ms", List.of("300"));
    assertEquals(
        Optional.of(Duration.ofMillis(300)),
        DeadlineHeaders.defaults().timeout(n -> h.getOrDefault(n, List.of())));
  }

  @Test
  void deadlineHeaders_none_empty() {
    assertEquals(Optional.empty(), DeadlineHeaders.defaults().timeout(n -> List.of()));
  }

  @Test
  void deadlineHeaders_headerTwice_malformed() {
    MalformedTimeoutHeaderException e =
        assertThrows(
            MalformedTimeoutHeaderException.class,
            () ->
                DeadlineHeaders.defaults()
                    .timeout(n -> n.equals("grpc-timeout") ? List.of("1S", "2S") : List.of()));
    assertEquals("grpc-timeout", e.headerName());
  }

  @Test
  void deadlineHeaders_commaList_malformed() {
    MalformedTimeoutHeaderException e =
        assertThrows(
            MalformedTimeoutHeaderException.class,
            () ->
                DeadlineHeaders.defaults()
                    .timeout(n -> n.equals("Connect-Timeout-Ms") ? List.of("5, 6") : List.of()));
    assertEquals("Connect-Timeout-Ms", e.headerName());
  }

  @Test
  void deadlineHeaders_onlyConfiguredRead() {
    DeadlineHeaders onlyGrpc = DeadlineHeaders.of(List.of(TimeoutHeader.GRPC_TIMEOUT), null);
    Map<String, List<String>> h =
        Map.of("Connect-Timeout-Ms", List.of("garbage"), "grpc-timeout", List.of("2S"));
    assertEquals(
        Optional.of(Duration.ofSeconds(2)), onlyGrpc.timeout(n -> h.getOrDefault(n, List.of())));
    assertTrue(onlyGrpc.write().isEmpty());
  }

  @Test
  void deadlineHeaders_nullArguments_npeNamingThem() {
    assertEquals(
        "read",
        assertThrows(NullPointerException.class, () -> DeadlineHeaders.of(null, null))
            .getMessage());
    assertEquals(
        "valuesOf",
        assertThrows(NullPointerException.class, () -> DeadlineHeaders.defaults().timeout(null))
            .getMessage());
  }
}
