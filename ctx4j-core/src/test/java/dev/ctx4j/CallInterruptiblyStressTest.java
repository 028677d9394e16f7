package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized stress for S31: {@code callInterruptibly} returning, throwing or blocking while
 * another thread cancels the context at a random moment, on the real callback executor (the
 * interrupt is delivered from a virtual thread, late or early). Lincheck cannot model one thread
 * interrupting another inside its own scheduler, so this race is covered by stress instead of model
 * checking. After every call: no interrupt is left on the thread, and none arrives later (each
 * round starts by checking that the thread is not interrupted); the call either returned the task's
 * value or threw a fresh {@link ContextException} of the context's kind carrying the task's {@link
 * InterruptedException} as suppressed.
 *
 * <p>The seed is printed on failure; rerun with {@code -Dctx4j.seed=N}. Run: {@code mvn -B -ntp -pl
 * ctx4j-core verify -Dtest=CallInterruptiblyStressTest}.
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallInterruptiblyStressTest {
  private static final int ROUNDS = Integer.getInteger("ctx4j.stress.rounds", 3_000);

  @Test
  void s31_cancelRacingReturnNeverLeavesAStrayInterrupt() throws Exception {
    long seed = Long.getLong("ctx4j.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    BlockingQueue<CancellableContext> toRun = new SynchronousQueue<>();
    BlockingQueue<String> outcomes = new ArrayBlockingQueue<>(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    long workSeed = random.nextLong();
    Thread worker =
        Thread.ofPlatform()
            .start(
                () -> {
                  SplittableRandom work = new SplittableRandom(workSeed);
                  try {
                    while (true) {
                      CancellableContext ctx = toRun.take();
                      if (ctx == STOP) {
                        return;
                      }
                      outcomes.put(callOnce(ctx, work.nextInt(4), work.nextInt(200)));
                    }
                  } catch (Throwable t) {
                    failure.set(t);
                    outcomes.offer("worker died: " + t);
                  }
                });
    List<String> broken = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS && broken.size() < 5; round++) {
        CancellableContext ctx = Context.background().withCancel();
        toRun.put(ctx);
        int spins = random.nextInt(400);
        for (int i = 0; i < spins; i++) {
          Thread.onSpinWait();
        }
        ctx.cancel();
        String outcome = outcomes.take();
        counts.computeIfAbsent(outcome.split(":")[0], k -> new AtomicInteger()).incrementAndGet();
        if (outcome.startsWith("BROKEN")) {
          broken.add("round " + round + ": " + outcome);
        }
      }
    } finally {
      toRun.put(STOP);
      worker.join();
    }
    String where = " (seed " + seed + ", rerun with -Dctx4j.seed=" + seed + "); outcomes " + counts;
    assertEquals(null, failure.get(), "worker failed" + where);
    assertTrue(broken.isEmpty(), broken + where);
    assertTrue(counts.containsKey("cancelled"), "no round was ever interrupted" + where);
    assertTrue(counts.containsKey("returned"), "no round ever returned" + where);
  }

  private static final CancellableContext STOP = Context.background().withCancel();

  /** One call: returns "returned", "cancelled" or "BROKEN: why". */
  private static String callOnce(CancellableContext ctx, int kind, int amount) {
    if (Thread.currentThread().isInterrupted()) {
      Thread.interrupted();
      return "BROKEN: an interrupt from an earlier call arrived late";
    }
    String outcome;
    try {
      Object v =
          ctx.callInterruptibly(
              () -> {
                switch (kind) {
                  case 0 -> {} // return at once
                  case 1 -> {
                    for (int i = 0; i < amount * 10; i++) {
                      Thread.onSpinWait();
                    }
                  }
                  case 2 -> new ArrayBlockingQueue<Object>(1).poll(amount, TimeUnit.MICROSECONDS);
                  default -> new ArrayBlockingQueue<Object>(1).take(); // only a cancel ends it
                }
                return "value";
              });
      outcome = "value".equals(v) ? "returned" : "BROKEN: returned " + v;
    } catch (ContextCancelledException e) {
      boolean suppressedInterrupt =
          e.getSuppressed().length == 1 && e.getSuppressed()[0] instanceof InterruptedException;
      boolean bornDone = e.getSuppressed().length == 0;
      outcome =
          suppressedInterrupt || bornDone
              ? "cancelled"
              : "BROKEN: suppressed " + List.of(e.getSuppressed());
    } catch (Exception e) {
      outcome = "BROKEN: threw " + e;
    }
    if (Thread.interrupted()) {
      return "BROKEN: interrupt left on the thread after " + outcome;
    }
    return outcome;
  }
}
