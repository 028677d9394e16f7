package dev.ctx4j.jdbc;

import dev.ctx4j.CancellableContext;
import java.time.Duration;

/**
 * Cancels a context as soon as the database shows the tagged query running, from a thread of its
 * own; it cancels even if the query never shows up, so a test cannot hang.
 */
final class Canceller {
  private final Thread thread;
  private volatile Throwable failure;

  private Canceller(Db db, String tag, CancellableContext ctx, Throwable cause) {
    thread =
        Thread.ofVirtual()
            .name("test-canceller")
            .start(
                () -> {
                  try {
                    db.awaitRunning(tag, Duration.ofSeconds(20));
                  } catch (Throwable t) {
                    failure = t;
                  } finally {
                    ctx.cancel(cause);
                  }
                });
  }

  static Canceller whenRunning(Db db, String tag, CancellableContext ctx, Throwable cause) {
    return new Canceller(db, tag, ctx, cause);
  }

  /** Waits for the cancel; rethrows what went wrong while waiting for the query to run. */
  void join() throws Exception {
    thread.join();
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure instanceof Exception e) {
      throw e;
    }
  }
}
