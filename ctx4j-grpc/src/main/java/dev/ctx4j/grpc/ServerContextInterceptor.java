package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * Gives each incoming call a ctx4j context, bound as {@link Context#current()} while the handler
 * runs: in {@code startCall} and in every listener callback ({@code onMessage}, {@code
 * onHalfClose}, {@code onReady}, {@code onCancel}, {@code onComplete}), whichever grpc thread runs
 * them.
 *
 * <p>The context is a child of the server's lifetime context, with the call's deadline. It ends:
 *
 * <ul>
 *   <li>with {@link dev.ctx4j.DeadlineExceededException} when the deadline passes (also when the
 *       client's reset for the same deadline arrives first: see {@code deadlineSlack});
 *   <li>with a {@link CallCancelledException} cause when the client cancels ({@link
 *       CallCancelledException.Reason#CANCELLED_BY_CLIENT}) or the stream breaks ({@link
 *       CallCancelledException.Reason#DISCONNECTED}) — as soon as the transport reports it, while
 *       the handler may still be blocked;
 *   <li>with the lifetime context's cause when that is cancelled (the call itself is left to the
 *       handler);
 *   <li>with a plain cancel once the call has completed, as Go's HTTP server does after the handler
 *       returns.
 * </ul>
 *
 * <p>A handler that gives up because the call's context ended, by throwing the context's exception
 * ({@code throwIfDone()}, {@code sleep}, a JDBC or HTTP call through ctx4j) or by passing it to
 * {@code responseObserver.onError}, closes the call with {@link Status#DEADLINE_EXCEEDED} or {@link
 * Status#CANCELLED} (the exception as the status's cause) instead of grpc's {@code UNKNOWN}
 * "Application error processing RPC": the client, and whoever reads the server's logs and metrics,
 * sees why the call ended. Any other exception, or one thrown after the handler closed the call
 * itself, is left to grpc as before.
 *
 * <p>To tell a client's cancel from a lost connection the transport's status is needed, which only
 * a stream tracer sees: register {@link #streamTracerFactory()} on the same server. Without it the
 * reason is {@link CallCancelledException.Reason#UNKNOWN}.
 *
 * <p>Thread-safe; one instance serves any number of calls.
 */
public final class ServerContextInterceptor implements ServerInterceptor {
  /** The default {@code deadlineSlack}: 50 ms. */
  public static final Duration DEFAULT_DEADLINE_SLACK = Duration.ofMillis(50);

  private final Context lifetime;
  private final long slackNanos;
  private final ServerStreamTracer.Factory tracers = new StatusTracer.Factory();

  /** An interceptor whose call contexts are children of {@link Context#background()}. */
  public ServerContextInterceptor() {
    this(Context.background());
  }

  /**
   * An interceptor whose call contexts are children of {@code lifetime}: cancel it (on shutdown,
   * say) and every call's context is done. Uses {@link #DEFAULT_DEADLINE_SLACK}.
   *
   * @throws NullPointerException if {@code lifetime} is null
   */
  public ServerContextInterceptor(Context lifetime) {
    this(lifetime, DEFAULT_DEADLINE_SLACK);
  }

  /**
   * As {@link #ServerContextInterceptor(Context)}, with a given {@code deadlineSlack}: a client's
   * reset that arrives no more than this before the call's deadline is taken as that deadline
   * passing. A client resets the stream when its own deadline passes, which is a little before the
   * server's (the server's budget started when the request arrived); on the wire that reset is the
   * same as a cancel. Within the slack the context is left to end at its deadline, with {@link
   * dev.ctx4j.DeadlineExceededException}; a genuine cancel that close to the deadline is seen up to
   * the slack late. Zero takes every reset as a cancel.
   *
   * @throws NullPointerException if {@code lifetime} or {@code deadlineSlack} is null
   * @throws IllegalArgumentException if {@code deadlineSlack} is negative
   */
  public ServerContextInterceptor(Context lifetime, Duration deadlineSlack) {
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(deadlineSlack, "deadlineSlack");
    if (deadlineSlack.isNegative()) {
      throw new IllegalArgumentException("deadlineSlack is negative: " + deadlineSlack);
    }
    this.slackNanos =
        deadlineSlack.compareTo(Duration.ofDays(1)) > 0 ? Long.MAX_VALUE : deadlineSlack.toNanos();
  }

  /**
   * The stream tracer that lets this interceptor tell a client's cancel from a lost connection:
   * {@code serverBuilder.addStreamTracerFactory(i.streamTracerFactory()).intercept(i)}.
   */
  public ServerStreamTracer.Factory streamTracerFactory() {
    return tracers;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    StatusTracer tracer = StatusTracer.KEY.get();
    CancellableContext ctx =
        FromGrpc.bridge(
            io.grpc.Context.current(), lifetime, (c, g) -> endCall(c, g, tracer, slackNanos));
    ChainHops.received(ctx, headers, call.getMethodDescriptor().getFullMethodName());
    ClosingCall<ReqT, RespT> closing = new ClosingCall<>(call, ctx);
    Start<ReqT, RespT> start = new Start<>(closing, headers, next);
    try {
      ctx.run(start);
    } catch (ContextException e) {
      if (closing.closeFor(e)) {
        return new ServerCall.Listener<>() {};
      }
      throw e;
    } catch (RuntimeException | Error e) {
      ctx.cancel(e);
      throw e;
    }
    return new BoundListener<>(start.listener, closing, tracer, slackNanos);
  }

  /**
   * The status a call closes with when its handler threw the exception of the ended {@code ctx}.
   */
  static Status statusFor(Context ctx, ContextException thrown) {
    Status code =
        ctx.err() instanceof DeadlineExceededException
            ? Status.DEADLINE_EXCEEDED
            : Status.CANCELLED;
    return code.withDescription("ctx4j: the call's context ended: " + thrown.getMessage())
        .withCause(thrown);
  }

  /** The call as the handler sees it: remembers a close, so the interceptor never closes twice. */
  private static final class ClosingCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    final CancellableContext ctx;
    private volatile boolean closed;

    ClosingCall(ServerCall<ReqT, RespT> call, CancellableContext ctx) {
      super(call);
      this.ctx = ctx;
    }

    /**
     * Closes as asked, except that grpc's {@code UNKNOWN} for the ended context's own exception
     * ({@code responseObserver.onError(e)} gives {@code Status.fromThrowable(e)}) is told as what
     * it is.
     */
    @Override
    public void close(Status status, Metadata trailers) {
      closed = true;
      Status told = status;
      if (status.getCode() == Status.Code.UNKNOWN
          && status.getCause() instanceof ContextException thrown
          && ctx.isDone()) {
        told = statusFor(ctx, thrown);
      }
      super.close(told, trailers);
    }

    /**
     * Closes the call for a handler that threw {@code thrown} because the call's context ended;
     * returns false (closing nothing) if the context is live or the handler closed the call.
     */
    boolean closeFor(ContextException thrown) {
      if (!ctx.isDone() || closed) {
        return false;
      }
      close(statusFor(ctx, thrown), new Metadata());
      return true;
    }

    /** Runs a listener callback with the context bound, closing the call as above. */
    void run(Runnable callback) {
      try {
        ctx.run(callback);
      } catch (ContextException e) {
        if (!closeFor(e)) {
          throw e;
        }
      }
    }
  }

  /** Ends a call's context from its grpc context's cancellation. */
  static void endCall(
      CancellableContext ctx, io.grpc.Context grpc, StatusTracer tracer, long slackNanos) {
    Throwable cause = grpc.cancellationCause();
    if (cause instanceof TimeoutException
        && FromGrpc.endsAtDeadline(ctx, FromGrpc.DEADLINE_SLACK_NANOS)) {
      return;
    }
    Status closed = tracer == null ? null : tracer.closed;
    if (cause == null && (closed == null || closed.isOk())) {
      ctx.cancel(); // the call completed
      return;
    }
    cancelEarly(ctx, tracer, slackNanos);
  }

  /**
   * The call ended before completing: the client's reset at (or near) the deadline, a client's
   * cancel, or a broken stream.
   */
  static void cancelEarly(CancellableContext ctx, StatusTracer tracer, long slackNanos) {
    Status closed = tracer == null ? null : tracer.closed;
    Status.Code code = closed == null ? Status.Code.CANCELLED : closed.getCode();
    boolean byClient = code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED;
    if (byClient && FromGrpc.endsAtDeadline(ctx, slackNanos)) {
      return;
    }
    CallCancelledException.Reason reason;
    if (closed == null) {
      reason = CallCancelledException.Reason.UNKNOWN;
    } else if (byClient) {
      reason = CallCancelledException.Reason.CANCELLED_BY_CLIENT;
    } else {
      reason = CallCancelledException.Reason.DISCONNECTED;
    }
    CallCancelledException why =
        new CallCancelledException(reason, closed == null ? Status.CANCELLED : closed);
    ctx.cancel(why);
    if (ctx.cause() == why) { // one hop per call: onCancel and the grpc context both come here
      ChainHops.resetReceived(ctx, String.valueOf(code));
    }
  }

  /** Runs {@code next.startCall} with the call's context bound. */
  private static final class Start<ReqT, RespT> implements Runnable {
    private final ServerCall<ReqT, RespT> call;
    private final Metadata headers;
    private final ServerCallHandler<ReqT, RespT> next;
    ServerCall.Listener<ReqT> listener;

    Start(ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      this.call = call;
      this.headers = headers;
      this.next = next;
    }

    @Override
    public void run() {
      listener = next.startCall(call, headers);
    }
  }

  /** Binds the call's context around every callback; ends it when the call is over. */
  private static final class BoundListener<ReqT> extends ServerCall.Listener<ReqT> {
    private final ServerCall.Listener<ReqT> delegate;
    private final ClosingCall<ReqT, ?> call;
    private final CancellableContext ctx;
    private final StatusTracer tracer;
    private final long slackNanos;

    BoundListener(
        ServerCall.Listener<ReqT> delegate,
        ClosingCall<ReqT, ?> call,
        StatusTracer tracer,
        long slackNanos) {
      this.delegate = delegate;
      this.call = call;
      this.ctx = call.ctx;
      this.tracer = tracer;
      this.slackNanos = slackNanos;
    }

    @Override
    public void onMessage(ReqT message) {
      call.run(() -> delegate.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      call.run(delegate::onHalfClose);
    }

    @Override
    public void onReady() {
      call.run(delegate::onReady);
    }

    @Override
    public void onCancel() {
      cancelEarly(
          ctx, tracer, slackNanos); // usually done already, from the grpc context's cancellation
      ctx.run(delegate::onCancel);
    }

    @Override
    public void onComplete() {
      try {
        ctx.run(delegate::onComplete);
      } finally {
        ctx.cancel();
      }
    }
  }
}
