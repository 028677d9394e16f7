package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Randomized stress for the races inside {@link TaskGroup}: first failure against concurrent
 * successes, close against fork, and slot accounting under failures, future cancels and interrupts
 * of forking threads. Each test prints its seed; rerun one with {@code -Dctx4j.seed=N}:
 *
 * <pre>
 * mvn -pl ctx4j-core -am verify -Dtest=TaskGroupStressTest -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dctx4j.seed=N [-Dctx4j.stress.rounds=R]
 * </pre>
 *
 * <p>Stress tests rather than Lincheck: every operation starts threads and blocks on them, which
 * Lincheck's model checker cannot explore (ADR 0012).
 */
class TaskGroupStressTest {
  private static final int ROUNDS = Integer.getInteger("ctx4j.stress.rounds", 400);

  private static long seed(String test) {
    long seed = Long.getLong("ctx4j.seed", System.nanoTime());
    System.out.println(test + ": seed=" + seed + " (rerun with -Dctx4j.seed=" + seed + ")");
    return seed;
  }

  /** A failure thrown by a task on purpose, numbered. */
  static final class Failure extends RuntimeException {
    Failure(int n) {
      super("failure " + n, null, false, false);
    }
  }

  @Test
  void firstFailureVsConcurrentSuccesses_reportsAGenuineFailureAndLosesNoSuccess()
      throws Exception {
    long seed = seed("firstFailureVsConcurrentSuccesses");
    Random random = new Random(seed);
    for (int round = 0; round < ROUNDS; round++) {
      String where = "seed=" + seed + " round=" + round;
      int n = 2 + random.nextInt(15);
      boolean[] fails = new boolean[n];
      int failing = 0;
      for (int i = 0; i < n; i++) {
        fails[i] = random.nextInt(4) == 0;
        failing += fails[i] ? 1 : 0;
      }
      CountDownLatch start = new CountDownLatch(1);
      TaskGroup group = TaskGroup.open(Context.background());
      List<Future<Integer>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int id = i;
        boolean fail = fails[i];
        futures.add(
            group.fork(
                ctx -> {
                  start.await();
                  if (fail) {
                    throw new Failure(id);
                  }
                  return id;
                }));
      }
      start.countDown();
      Throwable reported = null;
      try {
        group.join();
      } catch (ExecutionException e) {
        reported = e.getCause();
      }
      if (failing == 0) {
        assertNull(reported, where);
        for (int i = 0; i < n; i++) {
          assertEquals(i, futures.get(i).get(), where + ": a success was lost");
        }
        continue;
      }
      Failure first = assertInstanceOf(Failure.class, reported, where + ": never the cancel's");
      assertSame(first, group.context().cause(), where);
      for (int i = 0; i < n; i++) {
        try {
          int value = futures.get(i).get();
          assertEquals(i, value, where);
          assertTrue(!fails[i], where + ": a failing task succeeded");
        } catch (ExecutionException e) {
          Throwable t = e.getCause();
          if (t instanceof Failure) {
            assertTrue(fails[i], where + ": task " + i + " failed on its own");
          } else {
            ContextCancelledException ce = assertInstanceOf(ContextCancelledException.class, t);
            assertSame(first, ce.getCause(), where + ": stopped by the first failure");
          }
        }
      }
    }
  }

  /**
   * S40, Go's errgroup runs every function it accepted: fork A, then fork B that throws at once.
   * A's thread may start before B fails, during, or (held back by the thread factory) only after
   * the group is cancelled; its body runs every time.
   */
  @Test
  void s40_forkAThenFailingB_aAlwaysRunsItsBody() throws Exception {
    long seed = seed("forkAThenFailingB");
    Random random = new Random(seed);
    int rounds = Math.max(ROUNDS * 5, 2_000);
    for (int round = 0; round < rounds; round++) {
      String where = "seed=" + seed + " round=" + round;
      int startA = random.nextInt(3); // 0: at once, 1: after a few yields, 2: after the failure
      int yields = random.nextInt(20);
      AtomicReference<TaskGroup> holder = new AtomicReference<>();
      AtomicInteger made = new AtomicInteger();
      TaskGroup group =
          TaskGroup.open(
              Context.background(),
              r -> {
                boolean isA = made.getAndIncrement() == 0;
                return Thread.ofVirtual()
                    .unstarted(() -> startLate(isA, startA, yields, holder, r));
              });
      holder.set(group);
      AtomicBoolean aRan = new AtomicBoolean();
      Failure failure = new Failure(round);
      Future<Boolean> a =
          group.fork(
              ctx -> {
                aRan.set(true);
                return ctx.isDone();
              });
      Future<Object> b =
          group.fork(
              ctx -> {
                throw failure;
              });
      ExecutionException reported = assertThrows(ExecutionException.class, group::join, where);
      assertSame(failure, reported.getCause(), where);
      assertTrue(aRan.get(), where + ": A was accepted by fork, so its body runs");
      if (startA == 2) {
        assertTrue(a.get(), where + ": A started after the failure and saw its context done");
      }
      assertTrue(b.isDone(), where);
    }
  }

  private static void startLate(
      boolean isA, int startA, int yields, AtomicReference<TaskGroup> holder, Runnable r) {
    if (isA && startA == 1) {
      for (int i = 0; i < yields; i++) {
        Thread.yield();
      }
    } else if (isA && startA == 2) {
      try {
        holder.get().context().await(); // B's failure cancels the group first
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    r.run();
  }

  @Test
  void closeVsFork_noTaskStartsOrRunsAfterCloseReturns() throws Exception {
    long seed = seed("closeVsFork");
    Random random = new Random(seed);
    for (int round = 0; round < ROUNDS; round++) {
      String where = "seed=" + seed + " round=" + round;
      int limit = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(4);
      int closeAfter = random.nextInt(30);
      TaskGroup group =
          limit == Integer.MAX_VALUE
              ? TaskGroup.open(Context.background())
              : TaskGroup.open(Context.background(), limit);
      LongAdder started = new LongAdder();
      LongAdder finished = new LongAdder();
      AtomicInteger accepted = new AtomicInteger();
      List<Future<Object>> futures = new ArrayList<>();
      List<Throwable> refusals = new ArrayList<>();
      boolean waitsForCtx = random.nextBoolean();
      Thread forker =
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 200; i++) {
                      try {
                        futures.add(
                            group.fork(
                                ctx -> {
                                  started.increment();
                                  try {
                                    if (waitsForCtx) {
                                      ctx.await();
                                    }
                                    return null;
                                  } finally {
                                    finished.increment();
                                  }
                                }));
                        accepted.incrementAndGet();
                      } catch (IllegalStateException e) { // a ContextException is one too
                        refusals.add(e);
                        return;
                      }
                    }
                  });
      TaskGroupTest.eventually(
          () -> accepted.get() >= Math.min(closeAfter, limit) || !forker.isAlive(),
          "some forks went through");
      group.close();
      long startedAtClose = started.sum();
      assertEquals(startedAtClose, finished.sum(), where + ": a task outlived close()");
      assertEquals(0, group.activeTasks(), where);
      forker.join();
      assertEquals(startedAtClose, started.sum(), where + ": a task started after close()");
      assertEquals(0, group.activeTasks(), where);
      assertEquals(0, group.waitingForks(), where);
      for (Future<Object> f : futures) {
        assertTrue(f.isDone(), where + ": an accepted task is still pending");
      }
      if (accepted.get() < 200) {
        assertEquals(1, refusals.size(), where);
      }
    }
  }

  @Test
  void limitAccounting_underFailuresCancelsAndInterrupts_neverExceedsLimitAndFreesEverySlot()
      throws Exception {
    long seed = seed("limitAccounting");
    Random random = new Random(seed);
    LongAdder rejected = new LongAdder();
    LongAdder forked = new LongAdder();
    for (int round = 0; round < ROUNDS; round++) {
      String where = "seed=" + seed + " round=" + round;
      int limit = 1 + random.nextInt(6);
      int forkers = 1 + random.nextInt(3);
      int perForker = 20 + random.nextInt(30);
      long taskSeed = random.nextLong();
      TaskGroup group = TaskGroup.open(Context.background(), limit);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      Semaphore gate = new Semaphore(0);
      List<Future<?>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int f = 0; f < forkers; f++) {
        Random mine = new Random(taskSeed + f);
        threads.add(
            Thread.ofVirtual()
                .start(
                    () ->
                        forkMany(
                            group,
                            mine,
                            perForker,
                            running,
                            max,
                            gate,
                            futures,
                            unexpected,
                            rejected)));
      }
      while (threads.stream().anyMatch(Thread::isAlive)) {
        int action = random.nextInt(10);
        if (action < 5) {
          gate.release();
        } else if (action < 7) {
          Thread victim = threads.get(random.nextInt(threads.size()));
          victim.interrupt(); // forking threads are this test's own
        } else if (action == 7 && !futures.isEmpty()) {
          futures.get(random.nextInt(futures.size())).cancel(true);
        }
        Thread.yield();
      }
      gate.release(1_000_000);
      try {
        group.join();
      } catch (ExecutionException e) {
        assertInstanceOf(Failure.class, e.getCause(), where);
      }
      assertEquals(List.of(), unexpected, where);
      assertTrue(max.get() <= limit, where + ": " + max.get() + " ran at once, limit " + limit);
      assertEquals(0, group.activeTasks(), where + ": a slot was never given back");
      assertEquals(0, group.waitingForks(), where);
      assertEquals(0, running.get(), where);
      for (Future<?> f : futures) {
        assertTrue(f.isDone(), where);
      }
      forked.add(futures.size());
    }
    System.out.println(
        "limitAccounting: " + forked.sum() + " forks, " + rejected.sum() + " interrupted at limit");
    assertTrue(rejected.sum() > 0, "no fork was ever interrupted at the limit: the test is idle");
  }

  private static void forkMany(
      TaskGroup group,
      Random random,
      int count,
      AtomicInteger running,
      AtomicInteger max,
      Semaphore gate,
      List<Future<?>> futures,
      List<Throwable> unexpected,
      LongAdder rejected) {
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(100);
      int id = i;
      try {
        futures.add(
            group.fork(
                ctx -> {
                  max.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    if (kind == 0) {
                      throw new Failure(id);
                    }
                    if (kind < 50) {
                      gate.acquire(); // released by the test, or interrupted by the group
                    }
                    return id;
                  } finally {
                    running.decrementAndGet();
                  }
                }));
      } catch (RejectedExecutionException e) {
        if (!(e.getCause() instanceof InterruptedException)) {
          unexpected.add(e);
        }
        rejected.increment();
        Thread.interrupted(); // the fork kept the interrupt status: consume it and go on
      } catch (IllegalStateException e) {
        break; // the group ended (a task failed): done, or ended while waiting (ContextException)
      } catch (RuntimeException e) {
        unexpected.add(e);
      }
    }
    Thread.interrupted();
  }
}
