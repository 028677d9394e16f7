package dev.ctx4j;

import dev.ctx4j.internal.Sweep;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Core's side of {@link Sweep} (ADR 0124): each public cancellation point of {@link Node} calls
 * {@link #point} when {@link #on} is set. Everything inside core reads a node's state through
 * {@link Node#ended()} instead, so one call of the user's is one point.
 */
final class Sweeps implements Sweep.Core {
  /**
   * Read by every cancellation point. A plain field, not volatile, as {@link Tracing#on}: while no
   * sweep is armed a point costs this read and a branch never taken.
   */
  static boolean on;

  private static final AtomicReference<Armed> ARMED = new AtomicReference<>();

  static {
    Sweep.bind(new Sweeps());
  }

  private Sweeps() {}

  /** A point on {@code node}: reported if it descends from the armed root. */
  static void point(Node node, String operation) {
    Armed a = ARMED.get();
    if (a != null) {
      a.point(node, operation);
    }
  }

  @Override
  public Runnable arm(CancellableContext root, Sweep.Listener listener) {
    if (!(root instanceof TimerNode timer)) {
      throw new IllegalArgumentException(
          "a sweep's context must come from withTimeout or withDeadline (it may be expired as well"
              + " as cancelled): "
              + root);
    }
    Armed a = new Armed(timer, listener);
    if (!ARMED.compareAndSet(null, a)) {
      throw new IllegalStateException("a cancellation sweep is already armed in this JVM");
    }
    on = true;
    return () -> {
      if (ARMED.compareAndSet(a, null)) {
        on = false;
      }
    };
  }

  private record Armed(TimerNode root, Sweep.Listener listener) {
    void point(Node node, String operation) {
      if (!descends(node)) {
        return;
      }
      StackTraceElement site = TraceAccess.pointSite();
      if (site == null) {
        return; // a timer, a watcher, a tracing sink: not the swept code's own point
      }
      switch (listener.atPoint(operation, site)) {
        case CANCEL -> root.cancel();
        case EXPIRE -> root.expire();
        case PASS -> {}
      }
    }

    /** True if {@code node} is the root or derives from it, not through withoutCancel. */
    @SuppressWarnings("ReferenceEquality") // identity is the question
    private boolean descends(Node node) {
      for (Node n = node; n != null; n = n.parent) {
        if (n == root) {
          return true;
        }
        if (n instanceof DetachedNode) {
          return false; // the cancel cannot reach it
        }
      }
      return false;
    }
  }
}
