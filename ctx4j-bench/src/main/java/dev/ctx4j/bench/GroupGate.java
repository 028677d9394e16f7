package dev.ctx4j.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The harness of the group-failure shape, shared by ctx4j's {@link TaskGroupBenchmark} and the
 * JDK's {@code StructuredScopeBenchmark}: {@code tasks} subtasks parked, one more that fails when
 * the measuring thread opens the gate. The two differ only in how the group is built and how the
 * parked subtasks are told to stop.
 */
public final class GroupGate {
  private final CountDownLatch trigger = new CountDownLatch(1);
  private final AtomicReferenceArray<Thread> threads;
  private final AtomicInteger registered = new AtomicInteger();
  private final AtomicInteger exited = new AtomicInteger();

  /** A gate for {@code parked} parked subtasks and the one that fails. */
  public GroupGate(int parked) {
    threads = new AtomicReferenceArray<>(parked + 1);
  }

  /** The number of subtasks to fork: the parked ones and the failing one. */
  public int subtasks() {
    return threads.length();
  }

  /** Called first by every subtask: records its thread. */
  public void enter() {
    threads.set(registered.getAndIncrement(), Thread.currentThread());
  }

  /** Called last by every subtask (in a finally block): counts it as ended. */
  public void exit() {
    exited.incrementAndGet();
  }

  /** The failing subtask's body: waits for {@link #open()}, then throws. */
  public Void failWhenOpened() throws InterruptedException {
    enter();
    try {
      trigger.await();
    } finally {
      exit();
    }
    throw new IllegalStateException("the one failure");
  }

  /** Setup only: returns once every subtask has entered and parked. */
  public void awaitAllParked() {
    for (int i = 0; i < threads.length(); i++) {
      Thread t;
      while ((t = threads.get(i)) == null || t.getState() != Thread.State.WAITING) {
        LockSupport.parkNanos(10_000L);
      }
    }
  }

  /** The measured step: lets the failing subtask fail. */
  public void open() {
    trigger.countDown();
  }

  /**
   * After the measurement: every subtask's body had returned when the group was done waiting; then
   * (untimed) their threads are joined, so that no thread of one iteration runs into the next.
   */
  public void checkAllEnded(int exitedWhenDone) throws InterruptedException {
    if (exitedWhenDone != threads.length()) {
      throw new IllegalStateException(
          (threads.length() - exitedWhenDone) + " subtask(s) outlived their group");
    }
    for (int i = 0; i < threads.length(); i++) {
      threads.get(i).join();
    }
  }

  /** How many subtasks have ended. */
  public int exited() {
    return exited.get();
  }
}
