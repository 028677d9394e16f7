package dev.ctx4j.grpc;

import io.grpc.Status;
import java.util.Objects;

/**
 * The cause of a server call's context when the call ended before it completed: the client
 * cancelled it, or the connection to the client was lost. A call whose deadline passed ends with
 * {@link dev.ctx4j.DeadlineExceededException} instead.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class CallCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the call ended early. */
  public enum Reason {
    /** The client cancelled the call (a stream reset with {@code CANCELLED}). */
    CANCELLED_BY_CLIENT,
    /** The stream broke without a cancel: the connection was lost or the transport shut down. */
    DISCONNECTED,
    /**
     * The call was cancelled but the transport's status was not seen, because {@link
     * ServerContextInterceptor#streamTracerFactory()} is not installed on the server.
     */
    UNKNOWN
  }

  /** Why the call ended, as {@link #reason()} returns it. */
  private final Reason reason;

  private final transient Status status;

  /**
   * A cause with the given reason and transport status.
   *
   * @throws NullPointerException if {@code reason} or {@code status} is null
   */
  public CallCancelledException(Reason reason, Status status) {
    super(
        "call "
            + Objects.requireNonNull(reason, "reason").name().toLowerCase(java.util.Locale.ROOT)
            + ": "
            + Objects.requireNonNull(status, "status"));
    this.reason = reason;
    this.status = status;
  }

  /** Why the call ended early. */
  public Reason reason() {
    return reason;
  }

  /** The status the transport reported when the stream closed ({@code CANCELLED} if unseen). */
  public Status status() {
    return status;
  }
}
