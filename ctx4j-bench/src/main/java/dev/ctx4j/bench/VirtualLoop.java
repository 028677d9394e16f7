package dev.ctx4j.bench;

import java.util.concurrent.SynchronousQueue;

/**
 * A long-lived virtual thread that runs batches handed to it by the JMH thread: Go's benchmark loop
 * runs on a goroutine, so ports that start a goroutine per operation run their loop here, and the
 * platform-to-virtual handoff (an OS-level park and unpark, tens of microseconds) is paid once per
 * batch instead of once per operation.
 */
final class VirtualLoop {
  /** One batch of work, run on the loop's virtual thread. */
  interface Batch {
    Object run() throws Exception;
  }

  private final SynchronousQueue<Batch> work = new SynchronousQueue<>();
  private final SynchronousQueue<Object[]> results = new SynchronousQueue<>();
  private final Thread loop;

  VirtualLoop() {
    loop = Thread.ofVirtual().name("bench-loop").start(this::serve);
  }

  private void serve() {
    try {
      while (true) {
        Batch b = work.take();
        Object[] outcome = new Object[2];
        try {
          outcome[0] = b.run();
        } catch (Exception | Error e) {
          outcome[1] = e;
        }
        results.put(outcome);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    }
  }

  /** Runs {@code batch} on the loop's virtual thread and returns its result. */
  Object run(Batch batch) throws InterruptedException {
    work.put(batch);
    Object[] outcome = results.take();
    if (outcome[1] != null) {
      throw new IllegalStateException("the batch failed", (Throwable) outcome[1]);
    }
    return outcome[0];
  }

  /** Stops the loop and waits for its thread to end. */
  void close() throws InterruptedException {
    loop.interrupt();
    loop.join();
  }
}
