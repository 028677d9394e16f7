package dev.ctx4j.http;

import java.io.IOException;

/**
 * The {@link dev.ctx4j.Context#cause() cause} of a request context cancelled because the client
 * went away: an HTTP/2 stream reset, or an HTTP/1.1 connection closed while the handler was still
 * working.
 */
public final class ClientDisconnectedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A new exception; {@code cause} is the transport's own report, if any (may be null). */
  public ClientDisconnectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
