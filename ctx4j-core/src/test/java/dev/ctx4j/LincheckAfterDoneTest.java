package dev.ctx4j;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck): {@code cancel()} racing with {@code afterDone} registrations and
 * {@code stop()} (S18). Callbacks run on a direct executor, so the checker sees every step and no
 * thread is started. In every interleaving: only the first {@code stop()} can return true; a
 * callback runs exactly once if the context is done and it was not stopped, never otherwise; a done
 * context holds no registration and a live one holds exactly those not stopped.
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckAfterDoneTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
public class LincheckAfterDoneTest {
  private final CancellableContext ctx = Context.background().withCancel();
  private final AtomicInteger firstRuns = new AtomicInteger();
  private final Registration first = ctx.afterDone(firstRuns::incrementAndGet);
  private volatile boolean firstStopped;
  private final AtomicInteger laterRuns = new AtomicInteger();
  private final AtomicInteger laterRegistered = new AtomicInteger();
  private final AtomicInteger laterStopped = new AtomicInteger();

  @Operation
  public void cancel() {
    ctx.cancel();
  }

  /**
   * The outcome is recorded, not returned: as in Go, a stop() that runs after the context became
   * done but before the cancel's walk reached this callback still wins, so its result is not
   * linearizable against other observers of done; the validation checks the outcome instead.
   */
  @Operation
  public void stopFirst() {
    if (first.stop()) {
      check(!firstStopped, "a second stop() returned true");
      firstStopped = true;
    }
  }

  @Operation
  public void register() {
    laterRegistered.incrementAndGet();
    ctx.afterDone(laterRuns::incrementAndGet);
  }

  /** Registers, then stops; stops again, which must return false. */
  @Operation
  public void registerAndStop() {
    laterRegistered.incrementAndGet();
    Registration r = ctx.afterDone(laterRuns::incrementAndGet);
    if (r.stop()) {
      laterStopped.incrementAndGet();
    }
    check(!r.stop(), "a second stop() returned true");
  }

  @Validate
  public void callbacksRanExactlyAsPromised() {
    boolean done = ctx.isDone();
    int expectedFirst = done && !firstStopped ? 1 : 0;
    check(firstRuns.get() == expectedFirst, "first callback ran " + firstRuns.get() + " times");
    int expectedLater = done ? laterRegistered.get() - laterStopped.get() : 0;
    check(laterRuns.get() == expectedLater, "later callbacks ran " + laterRuns.get() + " times");
    int held = Trees.dependents(ctx).size();
    int live = (firstStopped ? 0 : 1) + laterRegistered.get() - laterStopped.get();
    check(held == (done ? 0 : live), "registrations held: " + held);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_cancelVsAfterDoneVsStop() {
    Callbacks.install(Runnable::run); // no thread is started inside the model checker
    try {
      LinChecker.check(LincheckAfterDoneTest.class, LincheckSupport.options(3, 1));
    } finally {
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }
}
