package dev.ctx4j.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * A database function for the demo's embedded H2: waits like a slow disk or a lock would, so a
 * "heavy query" holds no CPU while it runs (a CPU-bound query on a virtual thread would starve the
 * other virtual threads of a 2-core machine). H2 checks for {@code Statement.cancel()} between
 * rows, so the query stops within a few milliseconds.
 */
public final class DemoDatabaseFunctions {
  private DemoDatabaseFunctions() {}

  /** Run once, on the first row, by a query started on this thread: the query is running. */
  static final ThreadLocal<Runnable> RUNNING = new ThreadLocal<>();

  /** Waits {@code micros} microseconds and returns 1; the query's row loop checks for cancel. */
  public static int pause(int micros) {
    Runnable running = RUNNING.get();
    if (running != null) {
      RUNNING.remove();
      running.run();
    }
    LockSupport.parkNanos(micros * 1_000L);
    return 1;
  }
}
