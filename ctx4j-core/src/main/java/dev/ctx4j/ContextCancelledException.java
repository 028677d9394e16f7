package dev.ctx4j;

/**
 * The context was cancelled by its owner ({@code cancel()}, {@code close()}), or an ancestor was.
 */
public final class ContextCancelledException extends ContextException {
  private static final long serialVersionUID = 1L;
  static final String MESSAGE = "context canceled";

  /** The shared, stackless value of {@link Context#err()} for cancelled contexts. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // stackless and never thrown by ctx4j
  static final ContextCancelledException SHARED = new ContextCancelledException(null, true);

  /** A new exception without a cause. */
  public ContextCancelledException() {
    this(null, false);
  }

  /** A new exception whose {@link #getCause()} is {@code cause} (may be null). */
  public ContextCancelledException(Throwable cause) {
    this(cause, false);
  }

  private ContextCancelledException(Throwable cause, boolean shared) {
    super(MESSAGE, cause, shared);
  }

  @Override
  ContextException fresh(Throwable cause) {
    return new ContextCancelledException(cause);
  }
}
