package dev.ctx4j.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The harness of the group-failure shape, shared by ctx4j's {@link TaskGroupBenchmark} and the
 * JDK's {@code StructuredScopeBenchmark}: {@code tasks} subtasks parked, one more that fails when
 * the measuring thread opens the gate. The two differ only in how the group is built and how the
 * parked subtasks are told to stop.
 */
public final class GroupGate {
  private final CountDownLatch trigger = new CountDownLatch(1);
  private final Thread[] threads;
  private final AtomicInteger registered = new AtomicInteger();

  /** A gate for {@code parked} parked subtasks and the one that fails. */
  public GroupGate(int parked) {
    threads = new Thread[parked + 1];
  }

  /** The number of subtasks to fork: the parked ones and the failing one. */
  public int subtasks() {
    return threads.length;
  }

  /** Called first by every subtask: records its thread. */
  public void enter() {
    threads[registered.getAndIncrement()] = Thread.currentThread();
  }

  /** The failing subtask's body: waits for {@link #open()}, then throws. */
  public Void failWhenOpened() throws InterruptedException {
    enter();
    trigger.await();
    throw new IllegalStateException("the one failure");
  }

  /** Setup only: returns once every subtask has entered and parked. */
  public void awaitAllParked() {
    while (registered.get() < threads.length) {
      LockSupport.parkNanos(10_000L);
    }
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING) {
        LockSupport.parkNanos(10_000L);
      }
    }
  }

  /** The measured step: lets the failing subtask fail. */
  public void open() {
    trigger.countDown();
  }

  /** After the measurement: every subtask's thread has ended. */
  public void checkAllEnded() {
    for (Thread t : threads) {
      if (t.isAlive()) {
        throw new IllegalStateException("a subtask outlived its group: " + t);
      }
    }
  }
}
