package dev.ctx4j.http;

/**
 * The {@link dev.ctx4j.Context#cause() cause} of request contexts cancelled because the server (the
 * {@link RequestContextHandler}) stopped while they were in flight.
 */
public final class ServerStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A new exception with the given message. */
  public ServerStoppedException(String message) {
    super(message);
  }
}
