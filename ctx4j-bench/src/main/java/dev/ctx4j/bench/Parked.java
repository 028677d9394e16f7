package dev.ctx4j.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * N virtual threads blocked on something, and a way for the measuring thread to sleep until every
 * one of them has resumed. Shared by the wake benchmarks of ctx4j, grpc and the unpark floor, so
 * the three differ only in how the threads block and how they are woken.
 */
final class Parked {
  private final AtomicInteger left;
  private final Thread[] threads;
  private volatile Thread measuring;

  /** Starts {@code n} virtual threads running {@code block} and returns once all are parked. */
  Parked(int n, Blocker block) {
    left = new AtomicInteger(n);
    threads = new Thread[n];
    for (int i = 0; i < n; i++) {
      threads[i] = Thread.ofVirtual().start(() -> run(block));
    }
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING) {
        LockSupport.parkNanos(10_000L); // setup only: let the thread reach its park
      }
    }
  }

  /** Blocks the calling virtual thread until it is woken. */
  interface Blocker {
    void block() throws InterruptedException;
  }

  private void run(Blocker block) {
    try {
      block.block();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (left.decrementAndGet() == 0) {
      Thread m = measuring;
      if (m != null) {
        LockSupport.unpark(m);
      }
    }
  }

  Thread[] threads() {
    return threads;
  }

  /** Called right before the wake-up: the thread that will wait in {@link #awaitAllResumed}. */
  void arm() {
    measuring = Thread.currentThread();
  }

  /** Parks until every thread has returned from its blocker. */
  void awaitAllResumed() {
    while (left.get() != 0) {
      LockSupport.park(this);
    }
  }

  /** Joins the threads (after the measurement). */
  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }
}
