package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import dev.ctx4j.Deadline;
import dev.ctx4j.DeadlineExceededException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One link from a ctx4j context to the {@code io.grpc.Context} child that mirrors it.
 *
 * <p>The grpc child carries the same deadline but arms no timer of its own ({@link NoTimer}): the
 * ctx4j context's timer ends it at that deadline, through the same {@code afterDone} callback that
 * carries a cancel.
 *
 * <p>No listener is ever added to the grpc child. grpc-java (1.85) leaks one entry into the nearest
 * cancellable ancestor each time a cancellable context that has listeners is cancelled or loses its
 * last listener (the entry is removed under the wrong owner), so a listener here would leave one
 * entry per bridged context in a long-lived grpc parent. The price: when the grpc child ends first,
 * the ctx4j callback stays registered until the ctx4j context is done, then runs and does nothing.
 */
final class ToGrpc implements Runnable {
  private final Context ctx;
  private final io.grpc.Context.CancellableContext grpc;

  private ToGrpc(Context ctx, io.grpc.Context.CancellableContext grpc) {
    this.ctx = ctx;
    this.grpc = grpc;
  }

  static io.grpc.Context.CancellableContext bridge(Context ctx, io.grpc.Context parent) {
    Optional<Deadline> d = ctx.deadline();
    io.grpc.Context.CancellableContext grpc =
        d.isEmpty()
            ? parent.withCancellation()
            : parent.withDeadline(toGrpc(d.get()), NoTimer.INSTANCE);
    if (ctx.isDone()) {
      grpc.cancel(grpcCause(ctx));
      return grpc;
    }
    ctx.afterDone(new ToGrpc(ctx, grpc), Direct.VIRTUAL);
    return grpc;
  }

  /** The ctx4j context is done: end the grpc child with the matching cause. */
  @Override
  public void run() {
    grpc.cancel(grpcCause(ctx));
  }

  /** A grpc deadline at the same point on the monotonic clock. */
  static io.grpc.Deadline toGrpc(Deadline d) {
    return io.grpc.Deadline.after(d.remaining().toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The grpc cancellation cause for a done ctx4j context: its {@link Context#cause()} as is, except
   * that a passed deadline becomes a {@link TimeoutException} (what grpc's own deadlines use, so
   * grpc reports {@code DEADLINE_EXCEEDED}) whose {@code getCause()} is the ctx4j cause.
   */
  static Throwable grpcCause(Context ctx) {
    Throwable cause = ctx.cause();
    if (ctx.err() instanceof DeadlineExceededException) {
      TimeoutException timeout = new TimeoutException("context deadline exceeded");
      timeout.initCause(cause);
      return timeout;
    }
    return cause;
  }
}
