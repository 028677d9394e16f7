package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S22 + S41 for a {@code done()} stage obtained <em>before</em> the cancel: once any thread sees
 * the context done, that very stage reports complete, while its dependents still never run on the
 * cancelling thread. The hammer prints its seed; rerun with {@code -Dctx4j.seed=N}, and raise the
 * rounds with {@code -Dctx4j.done.rounds=R}:
 *
 * <pre>
 * mvn -pl ctx4j-core -am verify -Dtest=DoneStageTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoneStageTest {
  private static final int ROUNDS = Integer.getInteger("ctx4j.done.rounds", 50_000);
  private static final Key<String> KEY = Key.named("k");

  @Test
  void s41_stageHeldFromBeforeTheCancel_reportsCompleteBeforeItsSignalRuns() throws Exception {
    RecordingExecutor callbacks = new RecordingExecutor();
    Callbacks.install(callbacks); // the signal stays queued: only the state can make it complete
    try {
      CancellableContext ctx = Context.background().withCancel();
      Context child = ctx.withValue(KEY, "v").withCancel();
      CompletionStage<Void> stage = child.done();
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      CompletableFuture<Void> dependent =
          stage.thenRun(() -> ranOn.set(Thread.currentThread())).toCompletableFuture();

      ctx.cancel();

      CompletableFuture<Void> f = stage.toCompletableFuture();
      assertTrue(f.isDone(), "isDone once the context is seen done");
      assertNull(f.join(), "join returns at once");
      assertNull(f.get(0, TimeUnit.NANOSECONDS), "get(0) returns at once");
      assertNull(f.resultNow());
      assertEquals(Future.State.SUCCESS, f.state());
      assertFalse(f.isCompletedExceptionally());
      assertSame(stage, child.done(), "asking again gives the same stage (S22)");
      assertNull(ranOn.get(), "no dependent ran on the cancelling thread, not even on re-asking");
      assertFalse(dependent.isDone(), "dependents wait for the signal");

      callbacks.runAll(); // the signal lands (here on this thread only because the test says so)
      assertTrue(dependent.isDone());
      assertSame(Thread.currentThread(), ranOn.get());
    } finally {
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }

  @Test
  void s22_stageAskedFirstAfterTheCancel_isCompleteAndRunsNothingOnTheCancellingThread() {
    RecordingExecutor callbacks = new RecordingExecutor();
    Callbacks.install(callbacks);
    try {
      CancellableContext ctx = Context.background().withCancel();
      ctx.cancel();
      CompletionStage<Void> stage = ctx.done();
      assertTrue(stage.toCompletableFuture().isDone());
      assertSame(stage, ctx.done());
      assertTrue(callbacks.tasks.isEmpty(), "nothing to hand off: nobody could attach before");
    } finally {
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }

  /**
   * One thread cancels, another spins until it sees the context done by one of its readers and then
   * asks the stage it took before the cancel. The canceller also asks the stage again right after
   * its cancel. Each stage has a dependent that records its thread.
   */
  @Test
  void s41_hammer_stageHeldFromBeforeTheCancelIsCompleteOnceDoneIsSeen() throws Exception {
    long seed = Long.getLong("ctx4j.seed", System.nanoTime());
    System.out.println("DoneStageTest hammer: seed=" + seed + " rounds=" + ROUNDS);
    Random random = new Random(seed);
    SynchronousQueue<CancellableContext> handoff = new SynchronousQueue<>();
    ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
    CountDownLatch dependentsRan = new CountDownLatch(ROUNDS);
    CancellableContext poison = Context.background().withCancel();
    Thread canceller =
        Thread.ofPlatform()
            .name("hammer-canceller")
            .start(() -> cancelEach(handoff, poison, broken));
    try {
      for (int round = 0; round < ROUNDS && broken.isEmpty(); round++) {
        CancellableContext ctx = Context.background().withCancel();
        Context watched = random.nextBoolean() ? ctx : ctx.withValue(KEY, "v").withCancel();
        CompletionStage<Void> stage = watched.done();
        int r = round;
        var unused =
            stage.thenRun(
                () -> {
                  if (Thread.currentThread() == canceller) {
                    broken.add("round " + r + ": a dependent ran on the cancelling thread");
                  }
                  dependentsRan.countDown();
                });
        int how = random.nextInt(3);
        handoff.put(ctx);
        spinUntilSeenDone(watched, how);
        CompletableFuture<Void> f = stage.toCompletableFuture();
        if (!f.isDone() || f.state() != Future.State.SUCCESS) {
          broken.add("round " + r + " (reader " + how + "): done seen, earlier stage incomplete");
        } else {
          var unusedResult = f.join(); // must not block: isDone() said complete
        }
      }
      handoff.put(poison);
      canceller.join();
      assertTrue(broken.isEmpty(), () -> "seed=" + seed + ": " + first(broken));
      assertTrue(
          dependentsRan.await(60, TimeUnit.SECONDS),
          () -> "seed=" + seed + ": " + dependentsRan.getCount() + " dependents never ran");
      assertTrue(broken.isEmpty(), () -> "seed=" + seed + ": " + first(broken));
    } finally {
      canceller.interrupt();
    }
  }

  private static void cancelEach(
      SynchronousQueue<CancellableContext> handoff,
      CancellableContext poison,
      ConcurrentLinkedQueue<String> broken) {
    try {
      while (true) {
        CancellableContext ctx = handoff.take();
        if (ctx == poison) {
          return;
        }
        ctx.cancel();
        CompletionStage<Void> again = ctx.done(); // may not run dependents here
        if (!again.toCompletableFuture().isDone()) {
          broken.add("the cancelling thread saw done() incomplete after its cancel returned");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Spins until {@code c} is seen done through one reader: isDone, err or cause. */
  private static void spinUntilSeenDone(Context c, int how) {
    while (true) {
      boolean seen =
          switch (how) {
            case 0 -> c.isDone();
            case 1 -> c.err() != null;
            default -> c.cause() != null;
          };
      if (seen) {
        return;
      }
      Thread.onSpinWait();
    }
  }

  private static String first(ConcurrentLinkedQueue<String> broken) {
    List<String> some = new ArrayList<>();
    for (String s : broken) {
      if (some.size() == 5) {
        break;
      }
      some.add(s);
    }
    return broken.size() + " violations, first: " + some;
  }
}
