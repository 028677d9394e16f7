package dev.ctx4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * An {@code afterDone} callback waiting in a scope's list (Go's {@code afterFuncCtx}). One
 * compare-and-set on {@link #status} decides between {@code stop()} and running, so exactly one of
 * them wins (S18).
 */
final class AfterDone extends Link {
  private static final int PENDING = 0;
  private static final int STARTED = 1;
  private static final int STOPPED = 2;
  private static final VarHandle STATUS;

  static {
    try {
      STATUS = MethodHandles.lookup().findVarHandle(AfterDone.class, "status", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Runnable fn; // cleared once started or stopped, so nothing is retained
  private final Executor executor;
  private volatile int status;

  AfterDone(Runnable fn, Executor executor) {
    this.fn = fn;
    this.executor = executor;
  }

  @Override
  void fire(CancelNode owner) {
    if (STATUS.compareAndSet(this, PENDING, STARTED)) {
      Runnable task = fn;
      fn = null;
      Callbacks.dispatch(executor, task);
    }
  }

  @Override
  boolean isDead() {
    return status != PENDING;
  }

  Registration registration(CancelNode owner) {
    return () -> {
      if (STATUS.compareAndSet(this, PENDING, STOPPED)) {
        fn = null;
        owner.unlink(this);
        return true;
      }
      return false;
    };
  }

  /** The registration on a context that can never be done: nothing to run, nothing held (S19). */
  static final class Never implements Registration {
    private volatile boolean stopped;

    @Override
    public boolean stop() {
      boolean first = !stopped;
      stopped = true;
      return first;
    }
  }
}
