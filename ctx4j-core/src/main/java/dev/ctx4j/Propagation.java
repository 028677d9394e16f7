package dev.ctx4j;

import java.util.concurrent.locks.LockSupport;

/**
 * One winning cancel (or expiry): the err and cause every node it reaches will report, and whether
 * the walk over the subtree has finished. Every node made done by the same cancel holds the same
 * instance, so err and cause are the same objects all the way down (S5) and done-ness is a single
 * volatile field (S41).
 */
final class Propagation {
  final ContextException err;
  final Throwable cause;
  private volatile boolean complete;

  /**
   * The recording of this cancel's chain while tracing was on, else null. Written by the walking
   * thread before the walk makes any node done but the first; read by {@link TraceAccess#stopped}.
   */
  volatile TraceWalk trace;

  Propagation(ContextException err, Throwable cause) {
    this.err = err;
    this.cause = cause == null ? err : cause;
  }

  /** A propagation that has nothing to walk (a node born done). */
  static Propagation completed(ContextException err, Throwable cause) {
    Propagation p = new Propagation(err, cause);
    p.complete = true;
    return p;
  }

  void markComplete() {
    complete = true;
  }

  /** True once the walk that owns this propagation has finished. */
  boolean isComplete() {
    return complete;
  }

  /**
   * Waits until the walk that owns this propagation has made every node in its subtree done. Called
   * by a cancel that lost a race, so that when {@code cancel()} returns every descendant is done
   * (S5), as Go's mutex-held walk guarantees. The walk never blocks, so this wait is short.
   */
  void awaitComplete() {
    int spins = 0;
    long backoff = 1_000L;
    while (!complete) {
      if (spins++ < 200) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(this, backoff);
        backoff = Math.min(backoff * 2, 100_000L);
      }
    }
  }

  /** A fresh exception for callers that throw: err's class, the custom cause if one was given. */
  ContextException fresh() {
    return err.fresh(cause == err ? null : cause);
  }
}
