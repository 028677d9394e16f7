package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import java.lang.reflect.Method;

/**
 * White-box counters, read by reflection (tests run on the class path): ctx4j's armed timers and
 * the dependents linked to a cancel scope, and grpc's listeners on a context.
 */
final class Internals {
  private static final Method TIMERS_GET;
  private static final Method TIMERS_PENDING;
  private static final Method DEPENDENTS;
  private static final Method LISTENER_COUNT;

  static {
    try {
      Class<?> timers = Class.forName("dev.ctx4j.Timers");
      TIMERS_GET = accessible(timers.getDeclaredMethod("get"));
      TIMERS_PENDING = accessible(timers.getDeclaredMethod("pending"));
      DEPENDENTS =
          accessible(Class.forName("dev.ctx4j.CancelNode").getDeclaredMethod("dependents"));
      LISTENER_COUNT = accessible(io.grpc.Context.class.getDeclaredMethod("listenerCount"));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Internals() {}

  private static Method accessible(Method m) {
    m.setAccessible(true);
    return m;
  }

  /** Timers armed on ctx4j's shared scheduler. */
  static int pendingTimers() throws ReflectiveOperationException {
    return (int) TIMERS_PENDING.invoke(TIMERS_GET.invoke(null));
  }

  /** Children, waiters and callbacks linked to {@code scope} (a withCancel/withTimeout context). */
  static int dependents(Context scope) throws ReflectiveOperationException {
    return ((java.util.List<?>) DEPENDENTS.invoke(scope)).size();
  }

  /** Listeners registered on {@code ctx}'s cancellable grpc context. */
  static int grpcListeners(io.grpc.Context ctx) throws ReflectiveOperationException {
    return (int) LISTENER_COUNT.invoke(ctx);
  }

  /** Heap in use after collecting garbage (several passes, until it stops shrinking). */
  static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = rt.totalMemory() - rt.freeMemory();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
