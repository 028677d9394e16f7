package dev.ctx4j;

/** The context's deadline passed, or an ancestor's did. */
public final class DeadlineExceededException extends ContextException {
  private static final long serialVersionUID = 1L;
  static final String MESSAGE = "context deadline exceeded";

  /** The shared, stackless value of {@link Context#err()} for expired contexts. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // stackless and never thrown by ctx4j
  static final DeadlineExceededException SHARED = new DeadlineExceededException(null, true);

  /** A new exception without a cause. */
  public DeadlineExceededException() {
    this(null, false);
  }

  /** A new exception whose {@link #getCause()} is {@code cause} (may be null). */
  public DeadlineExceededException(Throwable cause) {
    this(cause, false);
  }

  private DeadlineExceededException(Throwable cause, boolean shared) {
    super(MESSAGE, cause, shared);
  }

  @Override
  ContextException fresh(Throwable cause) {
    return new DeadlineExceededException(cause);
  }
}
