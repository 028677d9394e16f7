package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import dev.ctx4j.Deadline;
import dev.ctx4j.internal.InternalContexts;
import dev.ctx4j.internal.Trace;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Makes a ctx4j context the deadline and cancellation of each outgoing call.
 *
 * <p>The context is the one in the call's {@link CallOptions} under {@link #CONTEXT}, else {@link
 * Context#current()} on the thread that creates the call. The call's deadline becomes the earlier
 * of its own and the context's. When the context is cancelled, the call is cancelled with the
 * context's {@link Context#cause()} as the status cause (the client sees {@code CANCELLED}, with
 * that cause, even if the server's answer to the cancel reaches the call first; a call that had
 * already completed {@code OK} keeps its result); when the context's deadline passes, the call's
 * own deadline (the same point) ends it with {@code DEADLINE_EXCEEDED}. The cancel runs on the
 * interceptor's executor, never on the thread that cancelled the context, and the registration is
 * stopped as soon as the call closes.
 *
 * <p>Thread-safe; one instance serves any number of channels.
 */
public final class ClientContextInterceptor implements ClientInterceptor {
  /** An explicit context for one call: {@code stub.withOption(CONTEXT, ctx)}. */
  public static final CallOptions.Key<Context> CONTEXT =
      CallOptions.Key.create("dev.ctx4j.context");

  private final Executor cancelExecutor;

  /** An interceptor that cancels calls on a fresh virtual thread. */
  public ClientContextInterceptor() {
    this(Direct.VIRTUAL);
  }

  /**
   * An interceptor that cancels calls on {@code cancelExecutor}.
   *
   * @throws NullPointerException if {@code cancelExecutor} is null
   */
  public ClientContextInterceptor(Executor cancelExecutor) {
    this.cancelExecutor = Objects.requireNonNull(cancelExecutor, "cancelExecutor");
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    Context ctx = callOptions.getOption(CONTEXT);
    if (ctx == null) {
      ctx = Context.current();
    }
    ClientCall<ReqT, RespT> call = next.newCall(method, withEarlierDeadline(callOptions, ctx));
    if (InternalContexts.neverEnds(ctx)) {
      // tracing: a call made with a root while a context that can end is current breaks its chain
      Trace.blockingCall(ctx, "gRPC", method.getFullMethodName());
      return call; // can never end (roots, withoutCancel): nothing to watch
    }
    return new CancellingCall<>(call, ctx, cancelExecutor, method.getFullMethodName());
  }

  /** {@code options} with the earlier of its deadline and {@code ctx}'s. */
  static CallOptions withEarlierDeadline(CallOptions options, Context ctx) {
    Optional<Deadline> d = ctx.deadline();
    if (d.isEmpty()) {
      return options;
    }
    io.grpc.Deadline mine = ToGrpc.toGrpc(d.get());
    io.grpc.Deadline theirs = options.getDeadline();
    return theirs != null && !mine.isBefore(theirs) ? options : options.withDeadline(mine);
  }
}
