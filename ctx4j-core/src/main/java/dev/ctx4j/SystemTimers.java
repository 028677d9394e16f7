package dev.ctx4j;

import java.util.concurrent.locks.LockSupport;

/**
 * The production scheduler: one daemon thread, started on first use, sleeping until the earliest
 * deadline.
 *
 * <p>Why not {@code ScheduledThreadPoolExecutor}: it wakes its thread whenever a new task becomes
 * the earliest, which is every task when the queue is empty, and it allocates a future per task.
 * Here a node is its own heap entry, and the thread is woken only when a new deadline is earlier
 * than the time it already plans to wake at. A cancelled timer is removed at once but never wakes
 * the thread: at worst the thread wakes once at the old time, finds nothing due, and sleeps again.
 * With nothing armed the thread parks without a timeout: zero idle CPU.
 */
final class SystemTimers extends Timers {
  static final SystemTimers INSTANCE = new SystemTimers();

  private final TimerHeap heap = new TimerHeap(); // guarded by this
  private Thread thread; // guarded by this; started lazily
  private long plannedWake; // guarded by this; valid while sleepingUntilDeadline
  private boolean sleepingUntilDeadline; // guarded by this; false means parked without timeout

  private SystemTimers() {}

  @Override
  long nanoTime() {
    return System.nanoTime();
  }

  @Override
  void arm(TimerNode node) {
    Thread wake = null;
    synchronized (this) {
      boolean earliest = heap.add(node);
      if (thread == null) {
        thread = Thread.ofPlatform().daemon().name("ctx4j-timer").unstarted(this::loop);
        thread.start();
      } else if (earliest && (!sleepingUntilDeadline || node.when() - plannedWake < 0)) {
        wake = thread;
      }
    }
    if (wake != null) {
      LockSupport.unpark(wake);
    }
  }

  @Override
  void disarm(TimerNode node) {
    synchronized (this) {
      heap.remove(node);
    }
  }

  @Override
  synchronized int pending() {
    return heap.size();
  }

  private void loop() {
    while (true) {
      TimerNode due = null;
      long sleep = 0;
      synchronized (this) {
        TimerNode first = heap.peek();
        if (first == null) {
          sleepingUntilDeadline = false;
        } else {
          long left = first.when() - System.nanoTime();
          if (left <= 0) {
            due = heap.poll();
          } else {
            sleepingUntilDeadline = true;
            plannedWake = first.when();
            sleep = left;
          }
        }
      }
      if (due != null) {
        expireSafely(due);
      } else if (sleep > 0) {
        LockSupport.parkNanos(this, sleep);
      } else {
        LockSupport.park(this);
      }
    }
  }

  private static void expireSafely(TimerNode due) {
    try {
      due.expire();
    } catch (Throwable t) { // never let one expiry kill the timer thread
      Thread current = Thread.currentThread();
      current.getUncaughtExceptionHandler().uncaughtException(current, t);
    }
  }
}
