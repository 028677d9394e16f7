package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SEMANTICS.md "Deadlines": S9–S13, S36, S37 on the manual clock (S35 and the S13 counts are in
 * {@link ScaleTest}, on the real clock).
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlinesTest {
  private static final Key<String> KEY = Key.named("k");
  private static final Duration NS = Duration.ofNanos(1);
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
  void s09_timeoutEndsExactlyAtItsDurationNotBefore() {
    CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(1500));
    assertEquals(1, timers.pending());

    timers.advance(Duration.ofMillis(1500).minus(NS));
    assertFalse(ctx.isDone(), "one nanosecond early");
    timers.advance(NS);

    assertTrue(ctx.isDone());
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
    assertSame(ctx.err(), ctx.cause());
    assertEquals(0, timers.pending());
  }

  @Test
  void s09_withDeadlineEndsAtTheInstant() {
    CancellableContext ctx = Context.background().withDeadline(Instant.now().plusSeconds(10));
    timers.advance(Duration.ofSeconds(9));
    assertFalse(ctx.isDone());
    timers.advance(Duration.ofSeconds(2)); // the wall clock read in withDeadline is approximate
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
    assertSame(ctx.err(), ctx.cause());
  }

  @Test
  void s09_expiryReachesDescendantsWithTheSameErrAndCause() {
    CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(1));
    Context child = ctx.withValue(KEY, "v").withCancel().withCancel();
    timers.advance(Duration.ofSeconds(1));
    assertSame(ctx.err(), child.err());
    assertSame(ctx.cause(), child.cause());
  }

  @Test
  void s10_zeroOrNegativeTimeoutOrPastDeadlineIsDoneAtOnce() {
    CancellableContext live = Context.background().withCancel();
    List<CancellableContext> all =
        List.of(
            Context.background().withTimeout(Duration.ZERO),
            Context.background().withTimeout(Duration.ofNanos(-1)),
            Context.background().withTimeout(Duration.ofDays(-3)),
            Context.background().withDeadline(Instant.now().minusSeconds(1)),
            live.withTimeout(Duration.ZERO),
            live.withDeadline(Instant.now().minusMillis(1)));
    for (CancellableContext c : all) {
      assertTrue(c.isDone(), c::toString);
      assertInstanceOf(DeadlineExceededException.class, c.err(), c::toString);
      assertSame(c.err(), c.cause(), c::toString);
      assertTrue(c.deadline().orElseThrow().isExpired(), c::toString);
    }
    assertEquals(0, timers.pending(), "nothing armed");
    assertTrue(Trees.dependents(live).isEmpty(), "born-done children are not registered");
    assertFalse(live.isDone(), "the parent is untouched");
    live.cancel();
  }

  @Test
  void s11_laterDeadlineThanParentsArmsNothingAndEndsWithParent() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withTimeout(Duration.ofSeconds(1), x);
    CancellableContext later = parent.withTimeout(Duration.ofSeconds(2));
    CancellableContext same = parent.withTimeout(Duration.ofSeconds(1));
    CancellableContext laterInstant = parent.withDeadline(Instant.now().plusSeconds(3600));

    assertEquals(1, timers.pending(), "only the parent's timer");
    for (CancellableContext c : List.of(later, same, laterInstant)) {
      assertEquals(parent.deadline(), c.deadline(), c::toString);
    }

    timers.advance(Duration.ofSeconds(1));
    for (CancellableContext c : List.of(later, same, laterInstant)) {
      assertInstanceOf(DeadlineExceededException.class, c.err(), c::toString);
      assertSame(parent.err(), c.err(), c::toString);
      assertSame(x, c.cause(), c::toString);
    }
  }

  @Test
  void s11_earlierDeadlineThanParentsArmsItsOwnTimer() {
    CancellableContext parent = Context.background().withTimeout(Duration.ofSeconds(10));
    CancellableContext child = parent.withTimeout(Duration.ofSeconds(1));
    assertEquals(2, timers.pending());
    assertTrue(child.deadline().orElseThrow().compareTo(parent.deadline().orElseThrow()) < 0);
    timers.advance(Duration.ofSeconds(1));
    assertTrue(child.isDone());
    assertFalse(parent.isDone());
    assertEquals(1, timers.pending());
    parent.cancel();
  }

  @Test
  void s12_deadlineOfChildWithoutOwnDeadlineIsNearestAncestors() {
    CancellableContext outer = Context.background().withTimeout(Duration.ofMinutes(10));
    CancellableContext inner = outer.withValue(KEY, "v").withTimeout(Duration.ofMinutes(1));
    Context cancelChild = inner.withCancel();
    Context valueChild = inner.withValue(KEY, "w");
    Context deep = valueChild.withCancel().withValue(KEY, "z").withCancel();

    Deadline d = inner.deadline().orElseThrow();
    assertSame(d, cancelChild.deadline().orElseThrow());
    assertSame(d, valueChild.deadline().orElseThrow());
    assertSame(d, deep.deadline().orElseThrow());
    assertEquals(Duration.ofMinutes(1), d.remaining());
    assertTrue(Context.background().withCancel().deadline().isEmpty());
    outer.cancel();
  }

  @Test
  void s13_cancelBeforeDeadlineReleasesTheTimerAtOnce() {
    CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(1));
    CancellableContext child = ctx.withTimeout(Duration.ofMinutes(1));
    assertEquals(2, timers.pending());

    ctx.cancel();

    assertEquals(0, timers.pending(), "both timers released by cancel()");
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertInstanceOf(ContextCancelledException.class, child.err());
    timers.advance(Duration.ofHours(2));
    assertInstanceOf(ContextCancelledException.class, ctx.err(), "no late expiry");
  }

  @Test
  void s36_expiryReportsTheGivenCause() {
    RuntimeException cause = new RuntimeException("budget spent");
    CancellableContext byTimeout = Context.background().withTimeout(Duration.ofSeconds(1), cause);
    CancellableContext byDeadline =
        Context.background().withDeadline(Instant.now().plusSeconds(1), cause);
    timers.advance(Duration.ofSeconds(2));
    for (CancellableContext c : List.of(byTimeout, byDeadline)) {
      assertInstanceOf(DeadlineExceededException.class, c.err(), c::toString);
      assertSame(cause, c.cause(), c::toString);
    }
  }

  @Test
  void s36_cancelBeforeExpiryReportsTheCancelsCause() {
    RuntimeException expiry = new RuntimeException("expiry");
    RuntimeException mine = new RuntimeException("mine");
    CancellableContext withCause = Context.background().withTimeout(Duration.ofSeconds(1), expiry);
    CancellableContext plain = Context.background().withTimeout(Duration.ofSeconds(1), expiry);

    withCause.cancel(mine);
    plain.cancel();
    timers.advance(Duration.ofSeconds(2));

    assertInstanceOf(ContextCancelledException.class, withCause.err());
    assertSame(mine, withCause.cause());
    assertInstanceOf(ContextCancelledException.class, plain.err());
    assertSame(plain.err(), plain.cause(), "no cause given to cancel(): cause is err");
  }

  @Test
  void s36_zeroTimeoutWithCauseIsBornDoneWithThatCause() {
    RuntimeException cause = new RuntimeException("none left");
    CancellableContext ctx = Context.background().withTimeout(Duration.ZERO, cause);
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
    assertSame(cause, ctx.cause());
  }

  @Test
  void s37_childOfPassedDeadlineIsBornDoneBeforeTheTimerFires() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withTimeout(Duration.ofSeconds(1), x);
    timers.advanceWithoutFiring(Duration.ofSeconds(1));
    assertFalse(parent.isDone(), "as in Go, done only once the timer fires");

    CancellableContext child = parent.withCancel();

    assertInstanceOf(DeadlineExceededException.class, child.err());
    assertSame(x, child.cause());
    assertSame(parent.err(), child.err(), "the owner of the deadline expired first");
    assertEquals(0, timers.pending(), "its timer is released");
  }

  @Test
  void s37_everyDerivationExpiresTheOverdueOwnerThroughIntermediates() {
    for (int kind = 0; kind < 4; kind++) {
      CancellableContext owner = Context.background().withTimeout(Duration.ofSeconds(1));
      Context middle = owner.withValue(KEY, "v").withCancel().withValue(KEY, "w");
      timers.advanceWithoutFiring(Duration.ofSeconds(2));
      assertFalse(middle.isDone());

      Context child =
          switch (kind) {
            case 0 -> middle.withCancel();
            case 1 -> middle.withTimeout(Duration.ofHours(1));
            case 2 -> middle.withTimeout(Duration.ofMillis(1));
            default -> middle.withDeadline(Instant.now().plusSeconds(60));
          };

      assertInstanceOf(DeadlineExceededException.class, child.err(), child::toString);
      assertTrue(owner.isDone(), child::toString);
      assertTrue(middle.isDone(), child::toString);
      assertEquals(0, timers.pending(), child::toString);
    }
  }

  @Test
  void s37_liveDeadlineDoesNotExpireEarly() {
    CancellableContext owner = Context.background().withTimeout(Duration.ofSeconds(1));
    timers.advanceWithoutFiring(Duration.ofSeconds(1).minus(NS));
    Context child = owner.withCancel();
    assertNull(child.err());
    assertNull(owner.err());
    owner.cancel();
  }
}
