package dev.ctx4j;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The link behind {@code callInterruptibly}: interrupts the bound thread when the scope is done,
 * and guarantees that no interrupt it caused survives the call (S31).
 *
 * <p>The interrupt is delivered from a callback thread, never the cancelling one (interrupting a
 * virtual thread inside {@code FileChannel} I/O can block the interrupter). The states {@code ARMED
 * -> FIRING -> FIRED} and {@code ARMED -> FINISHED} decide, with one compare-and-set, whether the
 * interrupt is sent before the call ends; if it was, {@link #finish} waits for it to land and then
 * clears it, unless the thread was already interrupted by someone else before.
 */
final class Interrupter extends Link {
  private static final int ARMED = 0;
  private static final int FIRING = 1;
  private static final int FIRED = 2;
  private static final int FINISHED = 3;
  private static final VarHandle STATUS;

  static {
    try {
      STATUS = MethodHandles.lookup().findVarHandle(Interrupter.class, "status", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Thread thread;
  private volatile int status;
  private boolean alreadyInterrupted; // written before status becomes FIRED

  Interrupter(Thread thread) {
    this.thread = thread;
  }

  @Override
  void fire(CancelNode owner) {
    Callbacks.dispatch(Callbacks.executor(), () -> interrupt(owner));
  }

  /** Runs on a callback thread; {@code owner} is the scope whose end this delivers (or null). */
  void interrupt(CancelNode owner) {
    if (STATUS.compareAndSet(this, ARMED, FIRING)) {
      alreadyInterrupted = thread.isInterrupted();
      thread.interrupt();
      status = FIRED;
      if (Tracing.on && owner != null) { // tracing: the interrupt is a hop of the cancel's chain
        TraceAccess.report(owner, HopKind.INTERRUPTED, Trace.threadName(thread));
      }
    }
  }

  @Override
  boolean isDead() {
    return status == FINISHED;
  }

  /** True if the interrupt was (or is being) sent. */
  boolean fired() {
    int s = status;
    return s == FIRING || s == FIRED;
  }

  /** Called by the bound thread when the call ends: afterwards no ctx4j interrupt is pending. */
  void finish() {
    if (STATUS.compareAndSet(this, ARMED, FINISHED)) {
      return;
    }
    while (status == FIRING) {
      Thread.onSpinWait(); // the interrupter is between two plain steps; it cannot block here
    }
    if (!alreadyInterrupted) {
      Thread.interrupted();
    }
  }
}
