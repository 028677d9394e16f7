package dev.ctx4j;

import java.util.List;

/** White-box helpers: what a node holds, seen from the tests. */
final class Trees {
  private Trees() {}

  /** The dependents (children, waiters, callbacks, interrupters) linked under {@code ctx}. */
  static List<Link> dependents(Context ctx) {
    return ((CancelNode) ctx).dependents();
  }

  /**
   * True if {@code bound} is what binding {@code ctx} gives as {@code Context.current()}: {@code
   * ctx} itself, or a read-only view of it when {@code ctx} is cancellable (ADR 0081).
   */
  static boolean shows(Context bound, Context ctx) {
    if (ctx instanceof CancellableContext) {
      return bound instanceof ViewNode v && v.scope() == ctx;
    }
    return bound == ctx;
  }
}
