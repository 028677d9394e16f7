package dev.ctx4j;

/** The per-thread binding behind {@link Context#current()}. */
final class CurrentContext {
  private static final ThreadLocal<Context> BOUND = new ThreadLocal<>();

  private CurrentContext() {}

  static Context get() {
    Context c = BOUND.get();
    return c == null ? RootNode.BACKGROUND : c;
  }

  /** Binds {@code ctx}; returns the previous binding (null for none) for {@link #restore}. */
  static Context bind(Context ctx) {
    Context previous = BOUND.get();
    BOUND.set(ctx);
    return previous;
  }

  static void restore(Context previous) {
    if (previous == null) {
      BOUND.remove();
    } else {
      BOUND.set(previous);
    }
  }
}
