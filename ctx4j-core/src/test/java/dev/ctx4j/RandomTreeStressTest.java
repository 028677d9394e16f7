package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized stress: trees of every node kind (withCancel, withTimeout, withDeadline, withValue,
 * withoutCancel) grown, cancelled and expired from several threads at once, on the manual clock
 * advanced by one of those threads. After each round, and after a final cancel of the root:
 *
 * <ul>
 *   <li>every descendant of a done node (up to a withoutCancel boundary) is done (S5, S25);
 *   <li>each done scope carries either its nearest ancestor scope's err and cause, as the same
 *       objects (S5, S38), or the cause of a cancel made on itself, or its own expiry (S39, S36);
 *   <li>no done child stays registered under its parent, and a done node holds nothing (S8);
 *   <li>no done context keeps a timer, and every live own deadline has exactly one (S13).
 * </ul>
 *
 * <p>The seed is printed on failure; rerun one with {@code -Dctx4j.seed=N}. Run: {@code mvn -B -ntp
 * -pl ctx4j-core verify -Dtest=RandomTreeStressTest} ({@code -Dctx4j.stress.rounds=N} for more).
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RandomTreeStressTest {
  private static final Key<Integer> KEY = Key.named("n");
  private static final int THREADS = 3;
  private static final int ACTIONS = 300;
  private static final int CAPACITY = 1 + THREADS * ACTIONS;

  /** One context of the tree and what the test knows about it. */
  record Rec(Context ctx, Rec parent, Throwable expiryCause) {}

  @Test
  void randomTreesStayConsistentUnderConcurrentCancelAndExpiry() throws Exception {
    long base = Long.getLong("ctx4j.seed", System.nanoTime());
    int rounds = Integer.getInteger("ctx4j.stress.rounds", 150);
    for (int round = 0; round < rounds; round++) {
      long seed = base + round;
      try (ManualTimers timers = ManualTimers.install()) {
        runRound(seed, timers);
      } catch (Throwable t) {
        throw new AssertionError("round failed; rerun with -Dctx4j.seed=" + seed, t);
      }
    }
  }

  private static void runRound(long seed, ManualTimers timers) throws Exception {
    AtomicReferenceArray<Rec> recs = new AtomicReferenceArray<>(CAPACITY);
    AtomicInteger size = new AtomicInteger();
    Map<Throwable, Rec> cancelCauses = new ConcurrentHashMap<>();
    CancellableContext root = Context.background().withCancel();
    recs.set(size.getAndIncrement(), new Rec(root, null, null));

    CyclicBarrier start = new CyclicBarrier(THREADS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom random = new SplittableRandom(seed * 31 + t);
      boolean clockThread = t == 0;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int i = 0; i < ACTIONS; i++) {
                        act(random, clockThread, timers, recs, size, cancelCauses);
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("worker failed", failure.get());
    }
    int n = size.get();
    checkTree(recs, n, cancelCauses, timers);

    RuntimeException end = new RuntimeException("end of round");
    cancelCauses.put(end, recs.get(0));
    root.cancel(end);
    checkTree(recs, n, cancelCauses, timers);
    // Everything not behind a withoutCancel is now done; the rest may still hold timers.
    for (int i = 0; i < n; i++) {
      if (recs.get(i).ctx() instanceof CancellableContext c) {
        c.cancel();
      }
    }
    assertEquals(0, timers.pending(), "every timer released");
  }

  private static void act(
      SplittableRandom random,
      boolean clockThread,
      ManualTimers timers,
      AtomicReferenceArray<Rec> recs,
      AtomicInteger size,
      Map<Throwable, Rec> cancelCauses) {
    int roll = random.nextInt(100);
    if (clockThread && roll < 10) {
      timers.advance(Duration.ofMillis(random.nextInt(10)));
      return;
    }
    Rec target = recs.get(random.nextInt(size.get()));
    if (target == null) {
      return; // slot reserved, not yet filled
    }
    if (roll < 35) {
      if (target.ctx() instanceof CancellableContext c) {
        RuntimeException cause = new RuntimeException("cancel");
        cancelCauses.put(cause, target);
        c.cancel(cause);
      }
      return;
    }
    int index = size.getAndIncrement();
    if (index >= CAPACITY) {
      size.set(CAPACITY);
      return;
    }
    Context p = target.ctx();
    Throwable expiryCause = random.nextBoolean() ? new RuntimeException("expiry") : null;
    Context child =
        switch (random.nextInt(6)) {
          case 0 -> p.withCancel();
          case 1 -> p.withTimeout(Duration.ofMillis(random.nextInt(-2, 60)), expiryCause);
          case 2 -> p.withDeadline(Instant.now().plusMillis(random.nextInt(-2, 60)), expiryCause);
          case 3 -> p.withValue(KEY, index);
          case 4 -> random.nextInt(4) == 0 ? p.withoutCancel() : p.withCancel();
          default -> p.withValue(KEY, index).withCancel();
        };
    Rec rec = new Rec(child, target, child instanceof TimerNode ? expiryCause : null);
    recs.set(index, rec);
  }

  /** The nearest cancel scope at or above {@code r}, or null if none before a boundary/root. */
  private static Rec scopeOf(Rec r) {
    for (Rec a = r; a != null; a = a.parent()) {
      if (a.ctx() instanceof CancelNode) {
        return a;
      }
      if (a.ctx() instanceof DetachedNode) {
        return null;
      }
    }
    return null;
  }

  private static void checkTree(
      AtomicReferenceArray<Rec> recs,
      int n,
      Map<Throwable, Rec> cancelCauses,
      ManualTimers timers) {
    int liveOwnDeadlines = 0;
    for (int i = 0; i < n; i++) {
      Rec r = recs.get(i);
      Context c = r.ctx();
      Rec up = r.parent() == null ? null : scopeOf(r.parent());
      boolean detachedHere = c instanceof DetachedNode;
      if (up != null && up.ctx().isDone() && !detachedHere) {
        assertTrue(c.isDone(), () -> c + " is live under a done ancestor (S5/S25)");
      }
      if (c instanceof DetachedNode) {
        assertTrue(!c.isDone(), "withoutCancel is never done (S17)");
      }
      if (!(c instanceof CancelNode node)) {
        continue;
      }
      if (node.isDone()) {
        Throwable cause = node.cause();
        boolean fromAbove = up != null && up.ctx().cause() == cause && up.ctx().err() == node.err();
        boolean ownCancel =
            cancelCauses.get(cause) == r && node.err() instanceof ContextCancelledException;
        boolean ownExpiry =
            node instanceof TimerNode t
                && t.ownDeadline != null
                && node.err() instanceof DeadlineExceededException
                && cause == (r.expiryCause() == null ? node.err() : r.expiryCause());
        assertTrue(
            fromAbove || ownCancel || ownExpiry,
            () -> c + " ended with " + node.err() + " / " + cause + " from nowhere (S5/S39)");
        assertTrue(Trees.dependents(node).isEmpty(), () -> "done " + c + " holds dependents");
        if (up != null) {
          assertTrue(
              !Trees.dependents(up.ctx()).contains(node),
              () -> "done " + c + " still registered under its parent (S8)");
        }
        if (node instanceof TimerNode t) {
          assertTrue(!timers.isArmed(t), () -> "done " + c + " keeps a timer (S13)");
        }
      } else if (node instanceof TimerNode t && t.ownDeadline != null && timers.isArmed(t)) {
        liveOwnDeadlines++;
      } else if (node instanceof TimerNode t && t.ownDeadline != null) {
        throw new AssertionError("live " + c + " has its own deadline but no timer");
      }
    }
    assertEquals(liveOwnDeadlines, timers.pending(), "one timer per live own deadline");
  }
}
