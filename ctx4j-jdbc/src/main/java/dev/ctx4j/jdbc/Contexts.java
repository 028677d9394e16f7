package dev.ctx4j.jdbc;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Deadline;
import dev.ctx4j.internal.InternalContexts;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** Small helpers shared by the wrappers: how a context ends, and where ctx4j-jdbc's work runs. */
final class Contexts {
  private static final ThreadFactory CANCELLERS =
      Thread.ofVirtual().name("ctx4j-jdbc-cancel-", 0).factory();
  private static final ThreadFactory ACQUIRERS =
      Thread.ofVirtual().name("ctx4j-jdbc-acquire-", 0).factory();

  /** Runs {@code Statement.cancel()} loops: one virtual thread each, never the cancelling one. */
  static final Executor CANCEL_EXECUTOR = task -> CANCELLERS.newThread(task).start();

  /** Runs connection acquisitions the caller may stop waiting for. */
  static final Executor ACQUIRE_EXECUTOR = task -> ACQUIRERS.newThread(task).start();

  private Contexts() {}

  /**
   * Fast path: a context that can never end (the roots, {@code withoutCancel()}, value chains over
   * them) needs no watching. Core's one answer, shared by every integration.
   */
  static boolean neverEnds(Context ctx) {
    return InternalContexts.neverEnds(ctx);
  }

  /**
   * True if {@code ctx} is done, or its deadline has passed; in the second case the context is
   * expired first, so that {@link Context#err()} reports it.
   */
  static boolean ended(Context ctx) {
    if (ctx.isDone()) {
      return true;
    }
    Optional<Deadline> deadline = ctx.deadline();
    if (deadline.isPresent() && deadline.get().isExpired()) {
      // Deriving from a context whose deadline has passed expires the deadline's owner, as its
      // timer would have (S37): the timer may lag a little behind the clock.
      ctx.withCancel().cancel();
      return ctx.isDone();
    }
    return false;
  }

  /** Throws a fresh {@link ContextException} if {@code ctx} has {@link #ended}. */
  static void throwIfEnded(Context ctx) {
    if (ended(ctx)) {
      ctx.throwIfDone();
    }
  }

  /**
   * A fresh exception of the class of {@code ctx.err()}, whose cause is the cancel's cause if one
   * was given. {@code ctx} must be done.
   */
  static ContextException exception(Context ctx) {
    try {
      ctx.throwIfDone();
    } catch (ContextException e) {
      return e;
    }
    throw new IllegalStateException("context is not done: " + ctx);
  }
}
