package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ctx4j.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Naming": S33, with Go's {@code time.Duration.String()} pinned. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamingTest {
  private ManualTimers timers;

  @BeforeEach
  void manualClock() {
    timers = ManualTimers.install();
  }

  @AfterEach
  void restoreClock() {
    timers.close();
  }

  @Test
  void s33_pinnedChains() {
    CancellableContext c = Context.background().withCancel();
    assertEquals(
        "Context.background.withCancel.withTimeout(1.5s).withValue(traceId)",
        c.withTimeout(Duration.ofMillis(1500)).withValue(Key.named("traceId"), "abc").toString());
    assertEquals("Context.todo.withCancel", Context.todo().withCancel().toString());
    assertEquals(
        "Context.background.withValue(k).withCancel",
        Context.background().withValue(Key.named("k"), 1).withCancel().toString());
    c.cancel();
  }

  @Test
  void s33_oneSegmentPerDerivationNamedAfterTheMethod() {
    CancellableContext root = Context.background().withCancel();
    Context chain =
        root.withTimeout(Duration.ofMillis(250))
            .withoutCancel()
            .withTimeout(Duration.ofMinutes(2))
            .withValue(Key.named("user"), "alice");
    assertEquals(
        "Context.background.withCancel.withTimeout(250ms).withoutCancel.withTimeout(2m0s)"
            + ".withValue(user)",
        chain.toString());
    root.cancel();
    ((CancellableContext) ((Node) chain).parent).cancel();
    try (CancellableContext hour = Context.background().withTimeout(Duration.ofHours(1));
        CancellableContext micro = Context.background().withTimeout(Duration.ofNanos(1000))) {
      assertEquals("Context.background.withTimeout(1h0m0s)", hour.toString());
      assertEquals("Context.background.withTimeout(1µs)", micro.toString());
    }
  }

  @Test
  void s33_valuesAreNeverShown() {
    String name = Context.background().withValue(Key.named("password"), "hunter2").toString();
    assertEquals("Context.background.withValue(password)", name);
    assertFalse(name.contains("hunter2"));
  }

  @Test
  void s33_deadlineInHumanForm() {
    Instant at = Instant.parse("2030-01-02T03:04:05.678Z");
    CancellableContext ctx = Context.background().withDeadline(at);
    assertEquals("Context.background.withDeadline(2030-01-02 03:04:05.678 UTC)", ctx.toString());
    ctx.cancel();
  }

  @Test
  void s33_goDurationFormat() {
    String[][] cases = {
      {"0", "0s"},
      {"1", "1ns"},
      {"999", "999ns"},
      {"1000", "1µs"},
      {"1500", "1.5µs"},
      {"1000000", "1ms"},
      {"250000000", "250ms"},
      {"1500000000", "1.5s"},
      {"1000000001", "1.000000001s"},
      {"60000000000", "1m0s"},
      {"120000000000", "2m0s"},
      {"90500000000", "1m30.5s"},
      {"3600000000000", "1h0m0s"},
      {"5400000000000", "1h30m0s"},
      {"-1500000000", "-1.5s"},
      {"-1", "-1ns"},
      {"9223372036854775807", "2562047h47m16.854775807s"},
      {"-9223372036854775808", "-2562047h47m16.854775808s"},
    };
    assertEquals(
        "2562047788015215h30m7s", Durations.format(Duration.ofSeconds(Long.MAX_VALUE)), "beyond");
    assertEquals(
        "-2562047788015215h30m7s", Durations.format(Duration.ofSeconds(Long.MIN_VALUE)), "beyond");
    for (String[] c : cases) {
      assertEquals(c[1], Durations.format(Long.parseLong(c[0])), c[0]);
      assertEquals(c[1], Durations.format(Duration.ofNanos(Long.parseLong(c[0]))), c[0]);
    }
  }
}
