package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.Registration;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * An outgoing call watched by a ctx4j context: cancelled when the context is, unwatched when it
 * closes.
 *
 * <p>{@link #registration} goes null, then the context's registration, then {@link #CLOSED}; the
 * one atomic swap in {@link #release} decides whether {@code start} or {@code onClose} stops it, so
 * it is stopped exactly once whatever the order of the two.
 *
 * <p>Once this call has cancelled the delegate, a failure status reaching {@code onClose} is
 * replaced by the cancel's own ({@code CANCELLED} with the context's cause), as grpc's own call
 * does for a listener that threw. The server's answer to the cancel can close the call before the
 * cancel itself does: grpc's in-process transport tells the server first and the client's listener
 * after, so a server that answers at once closes the call with its own status, which lacks the
 * client's cause. An {@code OK} is left as it is: the call completed before the cancel took effect.
 */
final class CancellingCall<ReqT, RespT>
    extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> implements Runnable {
  private static final Registration CLOSED = () -> false;
  private static final String CANCELLED = "ctx4j context canceled";
  private static final VarHandle REGISTRATION;

  static {
    try {
      REGISTRATION =
          MethodHandles.lookup()
              .findVarHandle(CancellingCall.class, "registration", Registration.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Context ctx;
  private final String method; // for chains: the full method name
  private final Executor executor;
  private volatile Registration registration;
  private volatile Status cancelledWith; // set before this call cancels the delegate

  CancellingCall(ClientCall<ReqT, RespT> call, Context ctx, Executor executor, String method) {
    super(call);
    this.method = method;
    this.ctx = ctx;
    this.executor = executor;
  }

  @Override
  public void start(Listener<RespT> listener, Metadata headers) {
    ChainHops.sent(ctx, headers, method);
    super.start(new Unwatching(listener), headers);
    Registration r = ctx.afterDone(this, executor);
    if (!REGISTRATION.compareAndSet(this, null, r)) {
      r.stop(); // closed already
    }
  }

  /** The context is done: cancel the call, unless it closed meanwhile. */
  @SuppressWarnings("ReferenceEquality") // CLOSED is a sentinel
  @Override
  public void run() {
    if (registration == CLOSED) {
      return;
    }
    if (ctx.err() instanceof DeadlineExceededException) {
      return; // the call carries the same deadline: grpc ends it with DEADLINE_EXCEEDED
    }
    Throwable cause = ctx.cause();
    cancelledWith = Status.CANCELLED.withDescription(CANCELLED).withCause(cause);
    delegate().cancel(CANCELLED, cause);
    ChainHops.resetSent(ctx, method);
  }

  private void release() {
    Registration r = (Registration) REGISTRATION.getAndSet(this, CLOSED);
    if (r != null) {
      r.stop();
    }
  }

  /** Stops watching the context as soon as the call closes. */
  private final class Unwatching
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {
    Unwatching(Listener<RespT> delegate) {
      super(delegate);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      release();
      Status mine = cancelledWith;
      if (mine != null && !status.isOk()) {
        super.onClose(mine, new Metadata()); // the trailers went with the server's status
        return;
      }
      super.onClose(status, trailers);
    }
  }
}
