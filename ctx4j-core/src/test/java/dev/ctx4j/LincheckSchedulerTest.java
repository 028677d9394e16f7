package dev.ctx4j;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck) of the production scheduler's wake protocol ({@link ShardedTimers}, the
 * logic of {@link SystemTimers}): timed contexts armed and cancelled from several threads, in two
 * shards, racing with the scheduler thread's passes. The thread is modelled: {@link
 * ShardedTimers#pass()} runs as it would, and park, unpark and the clock are replaced by fields, so
 * every interleaving of an arm with a pass is explored. In every outcome:
 *
 * <ul>
 *   <li>no timer fires before its deadline (S9);
 *   <li>a done context holds no timer, a live one holds exactly one (S13);
 *   <li>the thread will look at the timers again no later than every live deadline: it is runnable,
 *       holds an unconsumed unpark, or sleeps until a time at or before the deadline. An arm that
 *       needs no wake (its deadline is after the plan) is never lost.
 * </ul>
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckSchedulerTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
public class LincheckSchedulerTest {
  private static final Duration STEP = Duration.ofMillis(10);

  /** The production scheduler with a manual clock and a modelled thread. */
  static final class Model extends ShardedTimers {
    volatile long now = ManualTimers.START;
    volatile boolean started;
    volatile boolean permit; // an unpark not consumed by a park yet

    Model() {
      super(2);
    }

    @Override
    long nanoTime() {
      return now;
    }

    @Override
    void start() {
      started = true;
    }

    @Override
    void wake() {
      permit = true;
    }
  }

  private final Model timers = new Model();
  private final ConcurrentLinkedQueue<TimerNode> made = new ConcurrentLinkedQueue<>();
  private final AtomicInteger early = new AtomicInteger();
  private final AtomicInteger spins = new AtomicInteger();
  private int sleep = ShardedTimers.AGAIN; // the modelled thread's state after its last pass
  private long until;

  public LincheckSchedulerTest() {
    Timers.install(timers); // one scheduler per scenario; the test method restores the system one
    arm(STEP); // armed before the scenario: the thread is started and has a timer to plan for
  }

  @Operation
  public void armSoon() {
    arm(STEP);
  }

  @Operation
  public void armLater() {
    arm(STEP.multipliedBy(3));
  }

  private void arm(Duration timeout) {
    TimerNode n = (TimerNode) Context.background().withTimeout(timeout);
    n.afterDone(
        () -> {
          if (n.err() instanceof DeadlineExceededException && n.when() - timers.now > 0) {
            early.incrementAndGet();
          }
        },
        Runnable::run);
    made.add(n);
  }

  @Operation
  public void cancelOldest() {
    TimerNode n = made.peek();
    if (n != null) {
      n.cancel();
    }
  }

  /** One step of the scheduler thread: a pass if it is runnable, woken or its sleep ended. */
  @Operation(nonParallelGroup = "scheduler")
  public void schedulerThread() {
    if (!timers.started) {
      return;
    }
    if (sleep != ShardedTimers.AGAIN) {
      boolean timedOut = sleep == ShardedTimers.TIMED && until - timers.now <= 0;
      if (!timers.permit && !timedOut) {
        return; // still parked
      }
      timers.permit = false; // park() consumed the unpark
    }
    sleep = timers.pass();
    until = timers.passWake;
    if (sleep == ShardedTimers.TIMED && until - timers.now <= 0) {
      spins.incrementAndGet(); // it would wake again at once with nothing due: a busy loop
    }
  }

  @Operation(nonParallelGroup = "scheduler")
  public void tick() {
    timers.now += STEP.toNanos();
  }

  @Validate
  public void noTimerIsEarlyLostOrLeaked() {
    check(early.get() == 0, "S9: a timer fired before its deadline");
    check(spins.get() == 0, "a pass with nothing due planned a wake in the past");
    int live = 0;
    for (TimerNode n : made) {
      if (n.isDone()) {
        check(n.bucket == null, "S13: a done context holds a timer");
        continue;
      }
      live++;
      check(n.bucket != null, "a live timed context holds no timer");
      boolean looks =
          timers.permit
              || sleep == ShardedTimers.AGAIN
              || (sleep == ShardedTimers.TIMED && until - n.when() <= 0);
      check(timers.started && looks, "the scheduler would sleep past a live deadline");
    }
    check(timers.pending() == live, "one timer per live timed context: " + timers.pending());
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_armCancelAndSchedulerPasses() {
    Callbacks.install(Runnable::run); // no thread is started inside the model checker
    try {
      LinChecker.check(
          LincheckSchedulerTest.class,
          LincheckSupport.options(2, 3).iterations(LincheckSupport.DEEP ? 100 : 30));
    } finally {
      Timers.install(SystemTimers.INSTANCE);
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }
}
