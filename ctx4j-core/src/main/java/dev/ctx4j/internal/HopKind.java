package dev.ctx4j.internal;

/**
 * What one hop of a propagation chain is. The walk in core reports {@link #CANCELLED}, {@link
 * #DEADLINE}, {@link #REACHED} and {@link #WOKEN}; integrations report the steps that stop work.
 */
public enum HopKind {
  /** The origin: a cancel (with or without a cause). */
  CANCELLED("cancelled"),
  /** The origin: a deadline expired. */
  DEADLINE("deadline exceeded"),
  /** A descendant context made done by the walk. */
  REACHED("context ended"),
  /** A thread parked on the context was unparked. */
  WOKEN("thread woken"),
  /** {@code callInterruptibly} interrupted its thread. */
  INTERRUPTED("thread interrupted"),
  /** A {@code TaskGroup}'s first failure cancelled the other tasks. */
  SIBLINGS_CANCELLED("siblings cancelled"),
  /** {@code Statement.cancel()} was issued for a running statement. */
  QUERY_CANCEL_SENT("query cancel sent"),
  /** The cancelled statement returned: the database stopped the query. */
  QUERY_STOPPED("query stopped"),
  /** An HTTP client exchange was aborted. */
  EXCHANGE_ABORTED("exchange aborted"),
  /** A gRPC client call was cancelled: the stream reset was sent. */
  STREAM_RESET_SENT("stream reset sent"),
  /** A gRPC server saw the call cancelled: the stream reset was received. */
  STREAM_RESET_RECEIVED("stream reset received"),
  /** A request was sent to another service (the request path, drawn before the cancel). */
  REQUEST_SENT("request sent");

  private final String label;

  HopKind(String label) {
    this.label = label;
  }

  /** The words the renderers print, e.g. {@code query stopped}. */
  public String label() {
    return label;
  }

  /** True for the steps that stop a piece of work (what "work stopped at" measures). */
  public boolean stopsWork() {
    return this == QUERY_STOPPED
        || this == EXCHANGE_ABORTED
        || this == STREAM_RESET_SENT
        || this == STREAM_RESET_RECEIVED
        || this == INTERRUPTED;
  }

  /** The kind whose {@link #label()} is {@code label}, or null. */
  public static HopKind ofLabel(String label) {
    for (HopKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    return null;
  }
}
