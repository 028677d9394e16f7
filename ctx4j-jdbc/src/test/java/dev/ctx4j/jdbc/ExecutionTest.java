package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-execution state machine that keeps a cancel from outliving its execution. */
class ExecutionTest {

  /** A statement whose {@code cancel()} runs {@code onCancel}; every other method does nothing. */
  private static Statement statement(Runnable onCancel) {
    return (Statement)
        Proxy.newProxyInstance(
            ExecutionTest.class.getClassLoader(),
            new Class<?>[] {Statement.class},
            (self, method, args) -> {
              if (method.getName().equals("cancel")) {
                onCancel.run();
              }
              return null;
            });
  }

  @Test
  void finish_beforeAnyCancel_returnsFalse_andALateCallbackSendsNothing() {
    AtomicInteger cancels = new AtomicInteger();
    Execution execution = new Execution(statement(cancels::incrementAndGet));
    assertFalse(execution.finish());
    execution.run(); // the context ended after the execution: the callback comes too late
    assertEquals(0, cancels.get());
    assertEquals(Execution.FINISHED, execution.state());
  }

  @Test
  void finish_whileCancelInProgress_waitsUntilCancelReturns() throws Exception {
    CountDownLatch inCancel = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean cancelReturned = new AtomicBoolean();
    AtomicBoolean finishSawCancelReturned = new AtomicBoolean();
    Statement slowCancel =
        statement(
            () -> {
              inCancel.countDown();
              awaitUninterruptibly(release);
              cancelReturned.set(true);
            });
    Thread[] canceller = new Thread[1];
    Thread owner =
        Thread.ofPlatform()
            .start(
                () -> {
                  Execution execution = new Execution(slowCancel);
                  canceller[0] = Thread.ofVirtual().start(execution);
                  awaitUninterruptibly(inCancel);
                  assertTrue(execution.finish());
                  finishSawCancelReturned.set(cancelReturned.get());
                });
    inCancel.await();
    awaitParked(owner); // finish() is waiting for the cancel
    assertFalse(cancelReturned.get());
    release.countDown();
    owner.join();
    canceller[0].join();
    assertTrue(finishSawCancelReturned.get(), "finish() returned while cancel() was running");
  }

  @Test
  void run_cancelThrows_finishStillReturnsAndReportsTheCancel() throws Exception {
    Execution execution =
        new Execution(
            statement(
                () -> {
                  throw new IllegalStateException("driver refused");
                }));
    Thread canceller = Thread.ofVirtual().start(execution);
    while (execution.state() == Execution.RUNNING) {
      Thread.onSpinWait();
    }
    assertTrue(execution.finish());
    canceller.join();
  }

  @Test
  void cancelRacingFinish_20000Rounds_noCancelEverStartsAfterFinishReturned() throws Exception {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    AtomicInteger late = new AtomicInteger();
    int sent = 0;
    for (int round = 0; round < 20_000; round++) {
      AtomicBoolean finished = new AtomicBoolean();
      Execution execution =
          new Execution(
              statement(
                  () -> {
                    if (finished.get()) {
                      late.incrementAndGet();
                    }
                  }));
      Thread canceller = Thread.ofVirtual().start(execution);
      spin(random.nextInt(20_000));
      if (execution.finish()) {
        sent++;
      }
      finished.set(true);
      canceller.join();
    }
    assertEquals(0, late.get(), "cancels after finish() returned (seed " + seed + ")");
    assertTrue(sent > 0, "no round sent a cancel: the race was not run (seed " + seed + ")");
    assertTrue(
        sent < 20_000, "every round sent a cancel: the race was not run (seed " + seed + ")");
  }

  /** A connection whose {@code abort(executor)} runs {@code onAbort}; other methods do nothing. */
  private static Connection connection(Runnable onAbort) {
    return (Connection)
        Proxy.newProxyInstance(
            ExecutionTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (self, method, args) -> {
              if (method.getName().equals("abort")) {
                onAbort.run();
              }
              return null;
            });
  }

  @Test
  void cancelNeverReturns_connectionAbortedAfterTheGrace_andTheOwnerFinishesWithoutWaitingForIt()
      throws Exception {
    CountDownLatch releaseCancel = new CountDownLatch(1);
    CountDownLatch driverFailed = new CountDownLatch(1); // the abort breaks the driver's read
    AtomicInteger aborts = new AtomicInteger();
    long graceNanos = TimeUnit.MILLISECONDS.toNanos(50);
    Execution execution =
        new Execution(
            statement(() -> awaitUninterruptibly(releaseCancel)), // the cancel hangs
            connection(
                () -> {
                  aborts.incrementAndGet();
                  driverFailed.countDown();
                }),
            graceNanos);
    long start = System.nanoTime();
    Thread canceller = Thread.ofVirtual().start(execution); // the context ended
    driverFailed.await();
    long abortedAfter = System.nanoTime() - start;
    assertTrue(execution.finish(), "an aborted execution reports that it was stopped");
    assertEquals(1, aborts.get());
    assertTrue(abortedAfter >= graceNanos, "aborted before the grace: " + abortedAfter);
    assertEquals(Execution.FINISHED, execution.state());
    releaseCancel.countDown();
    canceller.join();
    assertEquals(1, aborts.get(), "aborted once");
  }

  @Test
  void cancelDelivered_connectionNeverAborted() throws Exception {
    AtomicInteger aborts = new AtomicInteger();
    CountDownLatch delivered = new CountDownLatch(1);
    Execution execution =
        new Execution(statement(delivered::countDown), connection(aborts::incrementAndGet), 0);
    Thread canceller = Thread.ofVirtual().start(execution);
    delivered.await();
    // the server has the cancel and ignores it for a while: the aborter must leave it alone
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    while (System.nanoTime() - until < 0 && aborts.get() == 0) {
      Thread.onSpinWait();
    }
    assertTrue(execution.finish());
    canceller.join();
    assertEquals(0, aborts.get(), "a delivered cancel is not followed by an abort");
  }

  @Test
  void abortRacingFinish_5000Rounds_noAbortEverStartsAfterFinishReturned() throws Exception {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    AtomicInteger late = new AtomicInteger();
    int aborted = 0;
    for (int round = 0; round < 5_000; round++) {
      AtomicBoolean finished = new AtomicBoolean();
      AtomicBoolean abortedThisRound = new AtomicBoolean();
      Runnable lateCheck =
          () -> {
            if (finished.get()) {
              late.incrementAndGet();
            }
          };
      Execution execution =
          new Execution(
              statement(
                  () -> {
                    lateCheck.run();
                    throw new IllegalStateException("server unreachable"); // never delivered
                  }),
              connection(
                  () -> {
                    lateCheck.run();
                    abortedThisRound.set(true);
                  }),
              0);
      Thread canceller = Thread.ofVirtual().start(execution);
      spin(random.nextInt(50_000));
      execution.finish();
      finished.set(true);
      canceller.join();
      if (abortedThisRound.get()) {
        aborted++;
      }
    }
    assertEquals(0, late.get(), "cancels or aborts after finish() returned (seed " + seed + ")");
    assertTrue(aborted > 0, "no round aborted: the race was not run (seed " + seed + ")");
  }

  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait();
    }
  }

  private static void awaitParked(Thread t) {
    while (t.getState() != Thread.State.WAITING) {
      if (!t.isAlive()) {
        throw new AssertionError("the owner finished while the cancel was still running");
      }
      Thread.onSpinWait();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
