package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Names of contexts made from absurd durations and instants never throw (B2, B3, S33). */
class DurationsTest {
  @Test
  void format_durationsBeyondGoRange_useWholeSeconds() {
    assertEquals("2562047788015215h30m7s", Durations.format(Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals("-2562047788015215h30m7s", Durations.format(Duration.ofSeconds(Long.MIN_VALUE)));
    assertEquals("2562047788015215h30m7s", Durations.format(ChronoUnit.FOREVER.getDuration()));
  }

  @Test
  void format_goRange_matchesGo() {
    assertEquals("-1.5s", Durations.format(Duration.ofMillis(-1500)));
    assertEquals("1h0m0.000000001s", Durations.format(Duration.ofHours(1).plusNanos(1)));
    assertEquals("2562047h47m16.854775807s", Durations.format(Long.MAX_VALUE));
    assertEquals("-2562047h47m16.854775808s", Durations.format(Long.MIN_VALUE));
  }

  @Test
  void rounded_keepsOneDecimalOfItsUnitBelowAMinute() {
    assertEquals("0s", Durations.rounded(0));
    assertEquals("850ns", Durations.rounded(850));
    assertEquals("12.5µs", Durations.rounded(12_549));
    assertEquals("12.6µs", Durations.rounded(12_550));
    assertEquals("69.3ms", Durations.rounded(69_312_456));
    assertEquals("3ms", Durations.rounded(3_000_001));
    assertEquals("1ms", Durations.rounded(999_960), "rounding up crosses into the next unit");
    assertEquals("1.5s", Durations.rounded(1_500_000_001));
    assertEquals("-1.5s", Durations.rounded(-1_500_000_001));
  }

  @Test
  void rounded_wholeSecondsFromAMinute_andTheExtremes() {
    assertEquals("2m3s", Durations.rounded(123_999_999_999L), "truncated, never rounded up");
    assertEquals("1h0m0s", Durations.rounded(3_600_000_000_000L));
    assertEquals("2562047h47m16s", Durations.rounded(Long.MAX_VALUE));
    assertEquals("-2562047h47m16.854775808s", Durations.rounded(Long.MIN_VALUE));
  }

  @Test
  void toString_extremeDeadlines_neverThrows() {
    String max = Context.background().withDeadline(Instant.MAX).toString();
    String min = Context.background().withDeadline(Instant.MIN).toString();
    assertTrue(max.startsWith("Context.background.withDeadline(+1000000000"), max);
    assertTrue(min.startsWith("Context.background.withDeadline(-1000000000"), min);
    String minTimeout =
        Context.background().withTimeout(Duration.ofSeconds(Long.MIN_VALUE)).toString();
    assertEquals("Context.background.withTimeout(-2562047788015215h30m7s)", minTimeout);
  }
}
