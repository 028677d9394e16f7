package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The group delivers its own interrupts (ADR 0143): one callback interrupts the running tasks in
 * batches of {@link TaskGroup#INTERRUPT_BATCH}, and unbounded groups count ended tasks without the
 * lock. Tasks here block in a call that ignores the context ({@code CountDownLatch.await} on a
 * latch nobody counts down), so only the group's interrupt can end them: a lost interrupt hangs
 * {@code join()}, which the test bounds and reports.
 */
class TaskGroupInterruptsTest {
  /** A task that only an interrupt ends; counts the interrupts it saw. */
  private static ContextTask<Void> blockedIgnoringContext(
      CountDownLatch started, AtomicInteger interrupted) {
    return ctx -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return null;
    };
  }

  /** Joins {@code g} on another thread, failing (not hanging) if that takes a minute. */
  private static Throwable joinWithin(TaskGroup g, String what) throws Exception {
    var joined = TaskGroupTest.async(() -> assertThrows(ExecutionException.class, g::join));
    try {
      return joined.get(1, TimeUnit.MINUTES).getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          what + ": join() still waiting after a minute (a lost interrupt)", e);
    }
  }

  @Test
  void manyBatches_everyBlockedTaskIsInterrupted_andNoInterrupterIsKept() throws Exception {
    int n = 3 * TaskGroup.INTERRUPT_BATCH + 5;
    CountDownLatch started = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    TaskGroup g = TaskGroup.open(Context.background());
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(g.fork(blockedIgnoringContext(started, interrupted)));
    }
    assertTrue(started.await(1, TimeUnit.MINUTES), started.getCount() + " tasks never started");
    IllegalStateException failure = new IllegalStateException("the one failure");
    Future<?> unused =
        g.fork(
            ctx -> {
              throw failure;
            });
    assertSame(failure, joinWithin(g, n + " blocked tasks"));
    assertEquals(n, interrupted.get(), "tasks interrupted");
    for (Future<Void> f : futures) {
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      // interrupted by the group: a fresh ContextException, the task's own exception suppressed
      assertInstanceOf(ContextException.class, e.getCause());
      assertInstanceOf(InterruptedException.class, e.getCause().getSuppressed()[0]);
    }
    assertEquals(0, g.liveInterrupters());
    assertEquals(0, g.activeTasks());
  }

  /**
   * Forks race the failure: a task is either seen by the group's interrupt callback or sees the
   * group done when it starts, and interrupts itself. Either way none is left blocked.
   */
  @Test
  void forksRacingTheFailure_noneIsLeftBlocked() throws Exception {
    long seed = Long.getLong("ctx4j.seed", System.nanoTime());
    System.out.println(
        "forksRacingTheFailure: seed=" + seed + " (rerun with -Dctx4j.seed=" + seed + ")");
    Random random = new Random(seed);
    int rounds = Integer.getInteger("ctx4j.stress.rounds", 200);
    for (int round = 0; round < rounds; round++) {
      int n = 1 + random.nextInt(2 * TaskGroup.INTERRUPT_BATCH);
      int failAt = random.nextInt(n);
      CountDownLatch started = new CountDownLatch(n);
      AtomicInteger interrupted = new AtomicInteger();
      TaskGroup g = TaskGroup.open(Context.background());
      RuntimeException failure = new RuntimeException("round " + round);
      int accepted = 0;
      for (int i = 0; i < n; i++) {
        if (i == failAt) {
          Future<?> unused =
              g.fork(
                  ctx -> {
                    throw failure;
                  });
        }
        try {
          Future<?> unused = g.fork(blockedIgnoringContext(started, interrupted));
          accepted++;
        } catch (IllegalStateException groupDone) {
          break; // the failure ended the group: no more forks
        }
      }
      assertSame(failure, joinWithin(g, "round " + round + " (seed " + seed + ")"));
      assertEquals(accepted, interrupted.get(), "round " + round + " (seed " + seed + ")");
      assertEquals(0, g.liveInterrupters());
    }
  }

  /** Unbounded groups count ended tasks without the lock; close() still waits for every one. */
  @Test
  void unboundedGroup_closeWaitsForEveryTask_evenWhenAllEndAtOnce() throws Exception {
    int n = 2_000;
    CountDownLatch started = new CountDownLatch(n);
    AtomicInteger ended = new AtomicInteger();
    TaskGroup g = TaskGroup.open(Context.background());
    for (int i = 0; i < n; i++) {
      Future<?> unused =
          g.fork(
              ctx -> {
                started.countDown();
                try {
                  ctx.await(); // or interrupted first: the group sends both
                } finally {
                  ended.incrementAndGet();
                }
                return null;
              });
    }
    assertTrue(started.await(1, TimeUnit.MINUTES), started.getCount() + " tasks never started");
    g.close();
    assertEquals(n, ended.get(), "close() returned before every task had ended");
    assertEquals(0, g.activeTasks());
    assertTrue(g.toString().contains(", 0 active, unbounded]"), g.toString());
  }
}
