package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Cancellation": S2–S7, S24, S25, S38, S39, S41 (S8 is in {@link ScaleTest}). */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancellationTest {
  private static final Key<String> KEY = Key.named("k");
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
  void s02_withCancelIsLiveUntilCancelled() {
    CancellableContext ctx = Context.background().withCancel();
    assertFalse(ctx.isDone());
    assertNull(ctx.err());
    assertNull(ctx.cause());

    ctx.cancel();

    assertTrue(ctx.isDone());
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(ctx.err(), ctx.cause());
  }

  @Test
  void s02_closeIsCancel() {
    CancellableContext ctx;
    try (CancellableContext c = Context.background().withCancel()) {
      ctx = c;
      assertFalse(c.isDone());
    }
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(ctx.err(), ctx.cause());
  }

  @Test
  void s03_firstCancelWins() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel(x);
    ContextException err = ctx.err();

    ctx.cancel(new RuntimeException("y"));
    ctx.cancel();
    ctx.close();

    assertSame(err, ctx.err());
    assertSame(x, ctx.cause());
  }

  @Test
  void s03_laterCauseDoesNotReplaceAPlainCancel() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    ctx.cancel(new RuntimeException("late"));
    assertSame(ctx.err(), ctx.cause());
  }

  @Test
  void s03_expiryAfterCancelChangesNothing() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(1));
    ctx.cancel(x);
    timers.advance(Duration.ofSeconds(2));
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(x, ctx.cause());
  }

  @Test
  void s04_cancelWithCauseSetsCause() {
    IllegalStateException cause = new IllegalStateException("why");
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel(cause);
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(cause, ctx.cause());
  }

  @Test
  void s04_cancelWithNullCauseIsPlainCancel() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel(null);
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(ctx.err(), ctx.cause());
  }

  @Test
  void s05_parentCancelReachesEveryDescendant() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext root = Context.background().withCancel();
    List<Context> descendants = new ArrayList<>();
    Context tip = root;
    for (int i = 0; i < 10; i++) { // every link kind, twice over, at growing depth
      tip = tip.withValue(KEY, "v" + i);
      descendants.add(tip);
      tip = tip.withCancel();
      descendants.add(tip);
      tip = tip.withTimeout(Duration.ofHours(1 + i));
      descendants.add(tip);
      tip = tip.withDeadline(Instant.now().plus(Duration.ofDays(1)));
      descendants.add(tip);
      descendants.add(tip.withCancel()); // a side branch at each level
    }

    root.cancel(x);

    for (Context d : descendants) {
      assertTrue(d.isDone(), d::toString);
      assertSame(root.err(), d.err(), d::toString);
      assertSame(x, d.cause(), d::toString);
    }
    assertEquals(0, timers.pending(), "every timer in the subtree is released");
    assertTrue(Trees.dependents(root).isEmpty());
  }

  @Test
  void s05_losingCancelReturnsOnlyOnceEveryDescendantIsDone() throws Exception {
    // Two threads cancel the same root of a long chain; whichever loses must still not return
    // before the far end of the chain is done.
    for (int round = 0; round < 50; round++) {
      CancellableContext root = Context.background().withCancel();
      Context leaf = root;
      for (int i = 0; i < 5_000; i++) {
        leaf = leaf.withCancel();
      }
      Context end = leaf;
      CyclicBarrier start = new CyclicBarrier(2);
      AtomicInteger liveAfterReturn = new AtomicInteger();
      Runnable canceller =
          () -> {
            awaitBarrier(start);
            root.cancel();
            if (!end.isDone()) {
              liveAfterReturn.incrementAndGet();
            }
          };
      Thread a = Thread.ofPlatform().start(canceller);
      Thread b = Thread.ofPlatform().start(canceller);
      a.join();
      b.join();
      assertEquals(0, liveAfterReturn.get(), "round " + round);
    }
  }

  @Test
  void s05_awaitingThreadsResumeAfterCancel() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    Context child = ctx.withValue(KEY, "v").withCancel();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    CountDownLatch waiting = new CountDownLatch(2);
    List<Thread> threads = new ArrayList<>();
    for (Context c : List.of(ctx, child)) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      waiting.countDown();
                      c.await();
                      seen.compareAndSet(null, c.cause());
                    } catch (InterruptedException e) {
                      seen.set(e);
                    }
                  }));
    }
    waiting.await();
    ctx.cancel();
    for (Thread t : threads) {
      t.join();
    }
    assertSame(ctx.cause(), seen.get());
  }

  @Test
  void s06_cancelNeverReachesParentOrSiblings() {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    CancellableContext sibling = parent.withCancel();
    CancellableContext timedSibling = parent.withTimeout(Duration.ofMinutes(1));
    Context nephew = sibling.withValue(KEY, "v").withCancel();

    child.cancel();

    assertTrue(child.isDone());
    assertAll(
        () -> assertFalse(parent.isDone()),
        () -> assertFalse(sibling.isDone()),
        () -> assertFalse(timedSibling.isDone()),
        () -> assertFalse(nephew.isDone()),
        () -> assertEquals(1, timers.pending()));
    parent.cancel();
  }

  @Test
  void s07_childOfDoneParentIsBornDone() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withCancel();
    parent.cancel(x);

    List<Context> children =
        List.of(
            parent.withCancel(),
            parent.withTimeout(Duration.ofHours(1)),
            parent.withTimeout(Duration.ofHours(1), new RuntimeException("own")),
            parent.withDeadline(Instant.now().plusSeconds(60)),
            parent.withValue(KEY, "v"),
            parent.withValue(KEY, "v").withCancel(),
            parent.withCancel().withTimeout(Duration.ofSeconds(5)));

    for (Context c : children) {
      assertTrue(c.isDone(), c::toString);
      assertSame(parent.err(), c.err(), c::toString);
      assertSame(x, c.cause(), c::toString);
    }
    assertTrue(Trees.dependents(parent).isEmpty(), "a done parent registers nothing");
    assertEquals(0, timers.pending(), "a child born done arms no timer");
  }

  @Test
  void s07_childOfExpiredParentIsBornDoneWithParentsCause() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withTimeout(Duration.ofSeconds(1), x);
    timers.advance(Duration.ofSeconds(1));
    CancellableContext child = parent.withCancel();
    assertInstanceOf(DeadlineExceededException.class, child.err());
    assertSame(x, child.cause());
  }

  @Test
  void s24_racingCancelsHaveExactlyOneWinner() throws Exception {
    int threads = 4;
    for (int round = 0; round < 200; round++) {
      CancellableContext ctx = Context.background().withCancel();
      Context child = ctx.withCancel();
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Throwable> causes = new ArrayList<>();
      ConcurrentLinkedQueue<Object> observed = new ConcurrentLinkedQueue<>();
      List<Thread> ts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        RuntimeException cause = new RuntimeException("cause " + i);
        causes.add(cause);
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      awaitBarrier(start);
                      ctx.cancel(cause);
                      observed.add(ctx.cause());
                      observed.add(child.cause());
                    }));
      }
      for (Thread t : ts) {
        t.join();
      }
      Throwable winner = ctx.cause();
      assertTrue(causes.contains(winner), "the winner is one of the cancels");
      for (Object o : observed) {
        assertSame(winner, o, "round " + round);
      }
      assertSame(ctx.err(), child.err());
    }
  }

  @Test
  void s25_childrenCreatedDuringCancelNeverStayLive() throws Exception {
    for (int round = 0; round < 100; round++) {
      RuntimeException x = new RuntimeException("x");
      CancellableContext parent = Context.background().withCancel();
      ConcurrentLinkedQueue<Context> children = new ConcurrentLinkedQueue<>();
      CyclicBarrier start = new CyclicBarrier(3);
      Runnable creator =
          () -> {
            awaitBarrier(start);
            for (int i = 0; i < 200; i++) {
              children.add(parent.withCancel());
              children.add(parent.withValue(KEY, "v").withTimeout(Duration.ofHours(1)));
            }
          };
      Thread a = Thread.ofPlatform().start(creator);
      Thread b = Thread.ofPlatform().start(creator);
      awaitBarrier(start);
      parent.cancel(x);
      a.join();
      b.join();
      for (Context c : children) {
        assertTrue(c.isDone(), "round " + round);
        assertSame(x, c.cause(), "round " + round);
      }
      assertTrue(Trees.dependents(parent).isEmpty(), "round " + round);
      assertEquals(0, timers.pending(), "round " + round);
    }
  }

  @Test
  void s38_parentCauseReachesChildAndGrandchild() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    Context grandchild = child.withValue(KEY, "v").withTimeout(Duration.ofMinutes(5));

    parent.cancel(x);

    assertSame(x, child.cause());
    assertSame(x, grandchild.cause());
    assertSame(parent.err(), grandchild.err());
  }

  @Test
  void s39_childCancelledFirstKeepsItsOwnCause() {
    RuntimeException x = new RuntimeException("x");
    RuntimeException y = new RuntimeException("y");
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    Context grandchild = child.withCancel();
    CancellableContext other = parent.withCancel();

    child.cancel(y);
    parent.cancel(x);

    assertSame(y, child.cause());
    assertSame(y, grandchild.cause());
    assertSame(x, other.cause());
  }

  @Test
  void s39_childTimerExpiredFirstKeepsDeadlineExceeded() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withTimeout(Duration.ofSeconds(1));
    timers.advance(Duration.ofSeconds(1));
    parent.cancel(x);
    assertInstanceOf(DeadlineExceededException.class, child.err());
    assertSame(child.err(), child.cause());
  }

  @Test
  void s41_doneIsNeverObservedHalfWay() throws Exception {
    // Readers spin on isDone()/err() of a node, or of a descendant, while another thread cancels;
    // the moment one is seen, everything else must already agree. Waiters, done() dependents and
    // afterDone callbacks check the same from the inside.
    for (int round = 0; round < 500; round++) {
      hammerOnce(round);
    }
  }

  private static void hammerOnce(int round) throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    Context child = ctx.withValue(KEY, "v").withCancel();
    ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
    CountDownLatch insideChecks = new CountDownLatch(3);
    var unused =
        child
            .done()
            .thenRun(
                () -> {
                  checkComplete("done() dependent", child, broken);
                  insideChecks.countDown();
                });
    child.afterDone(
        () -> {
          checkComplete("afterDone", child, broken);
          insideChecks.countDown();
        });
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    child.await();
                    checkComplete("await", child, broken);
                  } catch (InterruptedException e) {
                    broken.add("interrupted");
                  }
                  insideChecks.countDown();
                });
    CyclicBarrier start = new CyclicBarrier(3);
    Thread byIsDone =
        Thread.ofPlatform()
            .start(
                () -> {
                  awaitBarrier(start);
                  while (!child.isDone()) {
                    Thread.onSpinWait();
                  }
                  checkComplete("isDone", child, broken);
                });
    Thread byErr =
        Thread.ofPlatform()
            .start(
                () -> {
                  awaitBarrier(start);
                  while (ctx.err() == null) {
                    Thread.onSpinWait();
                  }
                  checkComplete("err", ctx, broken);
                });
    awaitBarrier(start);
    ctx.cancel(new RuntimeException("round " + round));
    byIsDone.join();
    byErr.join();
    waiter.join();
    assertTrue(insideChecks.await(30, TimeUnit.SECONDS), "callbacks ran");
    assertTrue(broken.isEmpty(), () -> "round " + round + ": " + broken);
  }

  private static void checkComplete(String how, Context c, ConcurrentLinkedQueue<String> broken) {
    if (!c.isDone()) {
      broken.add(how + ": isDone false");
    }
    if (c.err() == null) {
      broken.add(how + ": err null");
    }
    if (c.cause() == null) {
      broken.add(how + ": cause null");
    }
    if (!c.done().toCompletableFuture().isDone()) {
      broken.add(how + ": done() incomplete");
    }
    try {
      if (!c.await(Duration.ZERO)) {
        broken.add(how + ": await(0) false");
      }
    } catch (InterruptedException e) {
      broken.add(how + ": interrupted");
    }
  }

  @Test
  void s41_doneAskedAfterDoneIsSeenIsAlreadyComplete() {
    CancellableContext ctx = Context.background().withCancel();
    Context child = ctx.withCancel();
    var stage = child.done();
    ctx.cancel();
    assertNotNull(child.err());
    assertSame(stage, child.done(), "the same stage");
    assertTrue(child.done().toCompletableFuture().isDone(), "complete once done is seen");
  }

  static void awaitBarrier(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
