package dev.ctx4j;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends many contexts before waking any of their waiters (ADR 0130). Inside {@link #run}, a thread
 * parked in {@code await}, {@code sleep} or {@code get} on a context that the batch ends is not
 * unparked at once but when the batch is over: each unpark hands a core to the woken thread, and on
 * a busy machine the thread ending the rest of a crowd would wait behind every thread it woke. Only
 * waiters are deferred; callbacks and stages are dispatched as always.
 */
final class WakeBatch {
  private static final ThreadLocal<ArrayList<Thread>> DEFERRED = new ThreadLocal<>();

  private WakeBatch() {}

  /** Runs {@code ends} on this thread, then unparks every waiter its cancels woke, in order. */
  static void run(Runnable ends) {
    if (DEFERRED.get() != null) {
      ends.run(); // nested: the outer batch wakes them
      return;
    }
    ArrayList<Thread> woken = new ArrayList<>();
    DEFERRED.set(woken);
    try {
      ends.run();
    } finally {
      DEFERRED.remove();
      for (int i = 0; i < woken.size(); i++) {
        LockSupport.unpark(woken.get(i));
      }
    }
  }

  /** Unparks {@code t} now, or when this thread's batch is over. */
  static void unpark(Thread t) {
    ArrayList<Thread> batch = DEFERRED.get();
    if (batch == null) {
      LockSupport.unpark(t);
    } else {
      batch.add(t);
    }
  }
}
