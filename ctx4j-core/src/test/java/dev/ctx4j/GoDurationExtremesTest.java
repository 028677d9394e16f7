package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Names of contexts made from absurd durations and instants never throw (B2, B3, S33). */
class GoDurationExtremesTest {
  @Test
  void format_durationsBeyondGoRange_useWholeSeconds() {
    assertEquals("2562047788015215h30m7s", GoDuration.format(Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals("-2562047788015215h30m7s", GoDuration.format(Duration.ofSeconds(Long.MIN_VALUE)));
    assertEquals("2562047788015215h30m7s", GoDuration.format(ChronoUnit.FOREVER.getDuration()));
  }

  @Test
  void format_goRange_matchesGo() {
    assertEquals("-1.5s", GoDuration.format(Duration.ofMillis(-1500)));
    assertEquals("1h0m0.000000001s", GoDuration.format(Duration.ofHours(1).plusNanos(1)));
    assertEquals("2562047h47m16.854775807s", GoDuration.format(Long.MAX_VALUE));
    assertEquals("-2562047h47m16.854775808s", GoDuration.format(Long.MIN_VALUE));
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
