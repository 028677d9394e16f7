package dev.ctx4j;

import java.util.concurrent.locks.LockSupport;

/** A thread parked in {@code await}, {@code sleep} or {@code get}: woken by the walk. */
final class Waiter extends Link {
  volatile Thread thread; // null once the wait is over and nothing should be woken

  Waiter(Thread thread) {
    this.thread = thread;
  }

  /** Stops waking the thread; used when the wait ends for another reason. */
  void clear() {
    thread = null;
  }

  /** Unparks the waiting thread, if still waiting. Safe from any thread, any number of times. */
  void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  void fire(CancelNode owner) {
    // unpark only schedules the thread: nothing runs on the cancelling thread. Inside a WakeBatch
    // the unpark waits until the batch has ended every context it ends.
    Thread t = thread;
    if (t != null) {
      WakeBatch.unpark(t);
    }
  }

  @Override
  boolean isDead() {
    return thread == null;
  }
}
