package dev.ctx4j;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Where user callbacks run: by default each on a fresh virtual thread, so a callback can block
 * without delaying a cancel or another callback. Tests in this package may install another
 * executor.
 */
final class Callbacks {
  private static final ThreadFactory FACTORY =
      Thread.ofVirtual().name("ctx4j-callback-", 0).factory();
  static final Executor VIRTUAL = task -> FACTORY.newThread(task).start();

  private static volatile Executor executor = VIRTUAL;

  private Callbacks() {}

  static Executor executor() {
    return executor;
  }

  /** Test hook: replaces the default executor; returns the previous one. */
  static Executor install(Executor replacement) {
    Executor previous = executor;
    executor = replacement;
    return previous;
  }

  /** Hands {@code task} to {@code ex}; a rejection goes to this thread's uncaught handler. */
  static void dispatch(Executor ex, Runnable task) {
    try {
      ex.execute(task);
    } catch (Throwable t) {
      reportUncaught(t);
    }
  }

  static void reportUncaught(Throwable t) {
    Thread current = Thread.currentThread();
    current.getUncaughtExceptionHandler().uncaughtException(current, t);
  }
}
