package dev.ctx4j.jdbc;

import dev.ctx4j.Context;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;

/**
 * The steps of a propagation chain this module reports (while tracing is on; otherwise each call is
 * one read): a {@code Statement.cancel()} issued and the cancelled statement returning, both in the
 * {@code database} lane of the chain that ended the statement's context.
 */
final class ChainHops {
  private ChainHops() {}

  /** Runs {@code cancel} (the canceller of an execution) after reporting that it was issued. */
  static Runnable reportingCancel(Context ctx, Runnable cancel, String call) {
    return () -> {
      Trace.stopped(ctx, HopKind.QUERY_CANCEL_SENT, Trace.DATABASE, call);
      cancel.run();
    };
  }

  /** The statement the context ended returned: the database stopped the query. */
  static void queryStopped(Context ctx, String call) {
    Trace.stopped(ctx, HopKind.QUERY_STOPPED, Trace.DATABASE, call);
  }
}
