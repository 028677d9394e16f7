package dev.ctx4j;

import java.util.concurrent.CancellationException;

/**
 * Why a context is done: {@link ContextCancelledException} or {@link DeadlineExceededException}.
 *
 * <p>{@link Context#err()} returns one shared, stackless instance per kind (like Go's {@code
 * context.Canceled}); compare with {@code instanceof}, not by message. Methods that throw ({@link
 * Context#throwIfDone()}, {@link Context#sleep}, {@link Context#get}) throw a fresh instance with a
 * stack trace whose {@link #getCause()} is the custom cause, if one was given.
 */
public abstract sealed class ContextException extends CancellationException
    permits ContextCancelledException, DeadlineExceededException {
  private static final long serialVersionUID = 1L;
  private static final StackTraceElement[] NO_FRAMES = new StackTraceElement[0];

  ContextException(String message, Throwable cause, boolean shared) {
    super(message);
    initCause(cause); // also locks the cause: initCause can never be called again
    if (shared) {
      setStackTrace(NO_FRAMES);
    }
  }

  /** A new exception of the same class, with a stack trace of the caller and the given cause. */
  abstract ContextException fresh(Throwable cause);
}
