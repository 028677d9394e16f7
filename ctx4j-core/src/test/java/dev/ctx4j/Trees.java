package dev.ctx4j;

import java.util.List;

/** White-box helpers: what a node holds, seen from the tests. */
final class Trees {
  private Trees() {}

  /** The dependents (children, waiters, callbacks, interrupters) linked under {@code ctx}. */
  static List<Link> dependents(Context ctx) {
    return ((CancelNode) ctx).dependents();
  }
}
