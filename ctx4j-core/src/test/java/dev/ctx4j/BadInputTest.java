package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * SEMANTICS.md "Bad input": B1–B3 (B4 and the {@code TaskGroup} part of B1 belong to the task
 * group's own tests).
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
  private static final Duration HUNDRED_YEARS = Duration.ofDays(36_525);
  private ManualTimers timers;

  @BeforeEach
  void manualClock() {
    timers = ManualTimers.install();
  }

  @AfterEach
  void restoreClock() {
    timers.close();
  }

  private static void assertNpeNaming(String parameter, Executable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call);
    assertEquals(parameter, e.getMessage());
  }

  @Test
  void b01_nullArgumentsAreRejectedNamingTheParameter() {
    CancellableContext live = Context.background().withCancel();
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    List<Context> contexts =
        List.of(
            Context.background(),
            live,
            done,
            live.withValue(Key.named("k"), 1),
            live.withoutCancel(),
            live.withTimeout(Duration.ofMinutes(1)));
    for (Context c : contexts) {
      assertNpeNaming("deadline", () -> c.withDeadline(null));
      assertNpeNaming("deadline", () -> c.withDeadline(null, new RuntimeException()));
      assertNpeNaming("timeout", () -> c.withTimeout(null));
      assertNpeNaming("timeout", () -> c.withTimeout(null, new RuntimeException()));
      assertNpeNaming("key", () -> c.withValue(null, 1));
      assertNpeNaming("key", () -> c.value(null));
      assertNpeNaming("fn", () -> c.afterDone(null));
      assertNpeNaming("fn", () -> c.afterDone(null, Runnable::run));
      assertNpeNaming("executor", () -> c.afterDone(() -> {}, null));
      assertNpeNaming("max", () -> c.await(null));
      assertNpeNaming("d", () -> c.sleep(null));
      assertNpeNaming("f", () -> c.get(null));
      assertNpeNaming("task", () -> c.run(null));
      assertNpeNaming("task", () -> c.call(null));
      assertNpeNaming("task", () -> c.callInterruptibly(null));
    }
    assertNpeNaming("name", () -> Key.named(null));

    assertTrue(Trees.dependents(live).stream().allMatch(l -> l instanceof TimerNode));
    assertEquals(1, Trees.dependents(live).size(), "only the timed child made above");
    assertEquals(1, timers.pending(), "no timer armed by a rejected call");
    assertFalse(live.isDone());
    live.cancel();
  }

  @Test
  void b01_rejectedCallsChangeNoState() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertThrows(NullPointerException.class, () -> ctx.withTimeout(null));
    assertThrows(NullPointerException.class, () -> ctx.afterDone(() -> {}, null));
    assertThrows(NullPointerException.class, () -> ctx.callInterruptibly(null));
    assertThrows(NullPointerException.class, () -> ctx.run(null));
    assertTrue(Trees.dependents(ctx).isEmpty());
    assertSame(Context.background(), Context.current());
    assertFalse(Thread.currentThread().isInterrupted());
    ctx.cancel();
  }

  @Test
  void b02_enormousTimeoutNeverOverflows() {
    List<CancellableContext> huge =
        List.of(
            Context.background().withTimeout(Duration.ofSeconds(Long.MAX_VALUE)),
            Context.background().withTimeout(ChronoUnit.FOREVER.getDuration()),
            Context.background().withTimeout(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)),
            Context.background().withDeadline(Instant.MAX),
            Context.background().withDeadline(Instant.MAX, new RuntimeException()));
    assertEquals(0, timers.pending(), "nothing armed beyond the clock's horizon");
    for (CancellableContext c : huge) {
      Deadline d = c.deadline().orElseThrow();
      assertTrue(d.remaining().compareTo(HUNDRED_YEARS) >= 0, c::toString);
      Instant wall = assertDoesNotThrow(d::toInstant);
      assertTrue(wall.isAfter(Instant.now().plus(HUNDRED_YEARS)), wall::toString);
      assertNotNull(c.toString());
      assertNotNull(d.toString());
    }
    timers.advance(HUNDRED_YEARS);
    for (CancellableContext c : huge) {
      assertFalse(c.isDone(), "no timer fired after a hundred years: " + c);
      c.cancel();
    }
  }

  @Test
  void b02_shorterTimeoutUnderAnEnormousOneStillFires() {
    CancellableContext forever = Context.background().withDeadline(Instant.MAX);
    CancellableContext child = forever.withTimeout(Duration.ofSeconds(1));
    assertTrue(child.deadline().orElseThrow().compareTo(forever.deadline().orElseThrow()) < 0);
    timers.advance(Duration.ofSeconds(1));
    assertInstanceOf(DeadlineExceededException.class, child.err());
    assertFalse(forever.isDone());
    forever.cancel();
  }

  @Test
  void b02_extremeDeadlinesCompareInOrder() {
    CancellableContext past = Context.background().withDeadline(Instant.MIN);
    timers.advanceWithoutFiring(Duration.ofSeconds(1));
    CancellableContext future = Context.background().withDeadline(Instant.MAX);
    Deadline early = past.deadline().orElseThrow();
    Deadline late = future.deadline().orElseThrow();
    assertTrue(early.compareTo(late) < 0, "Instant.MIN's deadline is before Instant.MAX's");
    assertTrue(late.compareTo(early) > 0);
    assertTrue(early.isExpired());
    assertFalse(late.isExpired());
    future.cancel();
  }

  @Test
  void b02_laterDeadlineUnderAnAncientOneReportsTheAncientOne() {
    CancellableContext past = Context.background().withDeadline(Instant.MIN);
    timers.advanceWithoutFiring(Duration.ofSeconds(1));
    CancellableContext child = past.withDeadline(Instant.MAX);
    assertEquals(past.deadline(), child.deadline(), "S11: the parent's deadline is earlier");
    assertSame(past.err(), child.err());
  }

  @Test
  void b03_ancientDeadlinesAreDoneAtOnce() {
    List<CancellableContext> ancient =
        List.of(
            Context.background().withDeadline(Instant.MIN),
            Context.background().withDeadline(Instant.EPOCH),
            Context.background().withDeadline(Instant.parse("1000-01-01T00:00:00Z")),
            Context.background().withTimeout(Duration.ofSeconds(Long.MIN_VALUE)),
            Context.background().withTimeout(ChronoUnit.FOREVER.getDuration().negated()));
    for (CancellableContext c : ancient) {
      assertInstanceOf(DeadlineExceededException.class, c.err(), c::toString);
      Deadline d = c.deadline().orElseThrow();
      assertTrue(d.isExpired(), c::toString);
      assertTrue(d.remaining().isNegative(), c::toString);
      assertDoesNotThrow(d::toInstant);
      assertNotNull(c.toString());
    }
    assertEquals(0, timers.pending());
  }
}
