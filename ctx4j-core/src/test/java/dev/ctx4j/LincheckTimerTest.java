package dev.ctx4j;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck): a timer firing (taken out of the heap, then {@code expire()}, as the
 * scheduler thread does) racing with cancelling the timed context, cancelling its parent, and
 * deriving timed children under it. In every interleaving: the timed context ends once, with {@link
 * DeadlineExceededException} and its expiry cause if the timer won and otherwise the winning
 * cancel's (S3, S9, S36); its subtree carries the same objects (S5); no done context stays in the
 * timer heap or in its parent's list (S8, S13).
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckTimerTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
public class LincheckTimerTest {
  private final ManualTimers timers = ManualTimers.create();
  private final RuntimeException expiry = new RuntimeException("expiry");
  private final RuntimeException x = new RuntimeException("x");
  private final RuntimeException y = new RuntimeException("y");
  private final CancellableContext parent;
  private final TimerNode timed;
  private final Context child;
  private final ConcurrentLinkedQueue<TimerNode> timedChildren = new ConcurrentLinkedQueue<>();

  public LincheckTimerTest() {
    Timers.install(timers); // one clock per scenario; the test method restores the system one
    parent = Context.background().withCancel();
    timed = (TimerNode) parent.withTimeout(Duration.ofSeconds(1), expiry);
    child = timed.withCancel();
  }

  @Operation
  public void fire() {
    timers.fire(timed);
  }

  @Operation
  public void cancelTimed() {
    timed.cancel(y);
  }

  @Operation
  public void cancelParent() {
    parent.cancel(x);
  }

  /** True if the new timed child is born done. */
  @Operation
  public boolean newTimedChild() {
    TimerNode c = (TimerNode) timed.withTimeout(Duration.ofMillis(500));
    timedChildren.add(c);
    return c.isDone();
  }

  @Validate
  public void timersAndCausesAgree() {
    if (timed.isDone()) {
      Throwable cause = timed.cause();
      if (cause == expiry) {
        check(timed.err() instanceof DeadlineExceededException, "expiry ends with deadline err");
      } else {
        check(cause == x || cause == y, "a cancel won: " + cause);
        check(timed.err() instanceof ContextCancelledException, "cancel ends with cancel err");
      }
      check(child.err() == timed.err() && child.cause() == cause, "S5: child follows");
      check(!timers.isArmed(timed), "S13: a done context holds no timer");
      check(!Trees.dependents(parent).contains(timed), "S8: forgotten by its parent");
      for (TimerNode c : timedChildren) {
        check(c.isDone() && !timers.isArmed(c), "timed children done and disarmed");
      }
      check(timers.pending() == 0, "no timer left: " + timers.pending());
    } else {
      check(timers.isArmed(timed), "live timed context stays armed");
      for (TimerNode c : timedChildren) {
        check(!c.isDone() && timers.isArmed(c), "live timed child armed");
      }
      check(timers.pending() == 1 + timedChildren.size(), "one timer per live timed context");
    }
    if (parent.isDone()) {
      check(timed.isDone(), "S5: the parent's cancel reached the timed child");
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_timerExpiryVsCancel() {
    Callbacks.install(Runnable::run); // no thread is started inside the model checker
    try {
      LinChecker.check(LincheckTimerTest.class, LincheckSupport.options(3, 1));
    } finally {
      Timers.install(SystemTimers.INSTANCE);
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }
}
