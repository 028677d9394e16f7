package dev.ctx4j;

import java.util.concurrent.Callable;

/**
 * The per-thread binding behind {@link Context#current()}: a {@link ThreadLocal}, used on Java
 * 21–24. On Java 25 and later the multi-release jar replaces this class with one that keeps the
 * binding in a {@code ScopedValue} (see {@code src/main/java25}); both have the same contract.
 *
 * <p>A binding lasts exactly as long as one {@link #run} or {@link #call}: it is set on entry and
 * the outer binding is restored on exit, normal or exceptional, so nothing is left on a pooled
 * thread (S30).
 */
final class CurrentContext {
  private static final ThreadLocal<Context> BOUND = new ThreadLocal<>();

  private CurrentContext() {}

  static Context get() {
    Context c = BOUND.get();
    return c == null ? RootNode.BACKGROUND : c;
  }

  /** Runs {@code task} with {@code ctx} bound on this thread, then restores the outer binding. */
  static void run(Context ctx, Runnable task) {
    Context previous = BOUND.get();
    BOUND.set(ctx);
    try {
      task.run();
    } finally {
      restore(previous);
    }
  }

  /** Calls {@code task} with {@code ctx} bound on this thread, then restores the outer binding. */
  static <T> T call(Context ctx, Callable<T> task) throws Exception {
    Context previous = BOUND.get();
    BOUND.set(ctx);
    try {
      return task.call();
    } finally {
      restore(previous);
    }
  }

  private static void restore(Context previous) {
    if (previous == null) {
      BOUND.remove();
    } else {
      BOUND.set(previous);
    }
  }

  /** Which storage this build of the class uses; for tests and diagnostics. */
  static String storage() {
    return "ThreadLocal";
  }
}
