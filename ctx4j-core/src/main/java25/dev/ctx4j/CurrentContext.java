package dev.ctx4j;

import java.util.concurrent.Callable;

/**
 * The per-thread binding behind {@link Context#current()} on Java 25 and later: a {@link
 * ScopedValue} (final since Java 25). The multi-release jar loads this class instead of the {@code
 * ThreadLocal} one on such runtimes; the contract is the same (S30).
 *
 * <p>A binding is scoped to one {@link #run} or {@link #call} by construction: it cannot outlive
 * the call, so nothing is ever left on a pooled thread, and {@code StructuredTaskScope} forks
 * inherit it.
 */
final class CurrentContext {
  private static final ScopedValue<Context> BOUND = ScopedValue.newInstance();

  private CurrentContext() {}

  static Context get() {
    return BOUND.orElse(RootNode.BACKGROUND);
  }

  /** Runs {@code task} with {@code ctx} bound on this thread, then restores the outer binding. */
  static void run(Context ctx, Runnable task) {
    ScopedValue.where(BOUND, ctx).run(task);
  }

  /** Calls {@code task} with {@code ctx} bound on this thread, then restores the outer binding. */
  static <T> T call(Context ctx, Callable<T> task) throws Exception {
    return ScopedValue.where(BOUND, ctx).call(task::call);
  }

  /** Which storage this build of the class uses; for tests and diagnostics. */
  static String storage() {
    return "ScopedValue";
  }
}
