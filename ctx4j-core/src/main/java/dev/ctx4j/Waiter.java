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
    wake(); // unpark only schedules the thread: nothing runs on the cancelling thread
  }

  @Override
  boolean isDead() {
    return thread == null;
  }
}
