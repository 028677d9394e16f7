package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.util.Objects;

/**
 * The bridge between {@code io.grpc.Context} and ctx4j's {@link Context}, both ways, for code that
 * mixes the two worlds. Each direction returns a child that the caller owns and must cancel (or
 * close) when the work it scopes is over, exactly like any cancellable context on either side.
 *
 * <p>Deadline, cancellation and cause cross in both directions, and nothing the bridge registers
 * stays registered once both ends are finished. {@link #fromGrpc} listens on the grpc context and
 * removes its listener as soon as either side ends. {@link #toGrpc} adds no grpc listener at all
 * (grpc-java leaks an entry into the nearest cancellable ancestor when a listened-to child ends);
 * its ctx4j callback runs, or is dropped, when the ctx4j context is done.
 *
 * <p>All methods are thread-safe.
 */
public final class GrpcContexts {
  private GrpcContexts() {}

  /**
   * A ctx4j child of {@code parent} that mirrors {@code grpc}: its deadline is the earlier of
   * {@code parent}'s and {@code grpc}'s, and it is cancelled when {@code grpc} is, with {@code
   * grpc}'s cancellation cause as its {@link Context#cause()}. A grpc deadline passing (grpc's
   * {@link java.util.concurrent.TimeoutException}) ends it with {@link
   * dev.ctx4j.DeadlineExceededException}, by its own timer at the same deadline.
   *
   * <p>Cancelling the returned child never cancels {@code grpc}.
   *
   * @throws NullPointerException if {@code grpc} or {@code parent} is null
   */
  public static CancellableContext fromGrpc(io.grpc.Context grpc, Context parent) {
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(parent, "parent");
    return FromGrpc.bridge(grpc, parent, FromGrpc::endPlain);
  }

  /**
   * A grpc child of {@code parent} that mirrors {@code ctx}: its deadline is the earlier of {@code
   * parent}'s and {@code ctx}'s, and it is cancelled when {@code ctx} is done, with {@code ctx}'s
   * {@link Context#cause()} as its cancellation cause; a passed ctx4j deadline arrives as a {@link
   * java.util.concurrent.TimeoutException} (so grpc reports {@code DEADLINE_EXCEEDED}) whose {@code
   * getCause()} is {@code ctx}'s cause. The grpc child arms no timer of its own: {@code ctx}'s
   * timer ends it. The cancel is delivered on a virtual thread, never on the thread that cancelled
   * {@code ctx}.
   *
   * <p>Cancelling the returned child never cancels {@code ctx}.
   *
   * @throws NullPointerException if {@code ctx} or {@code parent} is null
   */
  public static io.grpc.Context.CancellableContext toGrpc(Context ctx, io.grpc.Context parent) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(parent, "parent");
    return ToGrpc.bridge(ctx, parent);
  }
}
