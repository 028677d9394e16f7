package dev.ctx4j.http;

import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;

/**
 * The HTTP status that answers a request whose work stopped because a context ended: {@value
 * #GATEWAY_TIMEOUT} for a deadline, {@value #CLIENT_CLOSED_REQUEST} (Client Closed Request, as
 * nginx logs it; never written, the client is gone) for a {@link ClientDisconnectedException}
 * cause, {@value #SERVICE_UNAVAILABLE} for a {@link ServerStoppedException} cause or any other
 * cancellation. Used by {@link RequestContextHandler} and the Spring Boot integration.
 */
public final class ContextStatus {
  /** The status for a deadline that passed. */
  public static final int GATEWAY_TIMEOUT = 504;

  /** The status logged for a client that left; nothing is written. */
  public static final int CLIENT_CLOSED_REQUEST = 499;

  /** The status for a server stopping, or work cancelled for another reason. */
  public static final int SERVICE_UNAVAILABLE = 503;

  private ContextStatus() {}

  /**
   * The status for a context that ended with {@code err} and {@code cause} (its {@code err()} and
   * {@code cause()}, or a thrown {@link ContextException} and its {@code getCause()}). The cause
   * chain is searched, so a child context's cause that wraps the request's is recognized.
   *
   * @throws NullPointerException if {@code err} is null
   */
  public static int of(ContextException err, Throwable cause) {
    if (err == null) {
      throw new NullPointerException("err");
    }
    if (err instanceof DeadlineExceededException) {
      return GATEWAY_TIMEOUT;
    }
    for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
      if (cause instanceof ClientDisconnectedException) {
        return CLIENT_CLOSED_REQUEST;
      }
      if (cause instanceof ServerStoppedException) {
        return SERVICE_UNAVAILABLE;
      }
      if (cause instanceof DeadlineExceededException) {
        return GATEWAY_TIMEOUT;
      }
    }
    return SERVICE_UNAVAILABLE;
  }
}
