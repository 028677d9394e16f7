package dev.ctx4j;

/**
 * A context its owner can cancel. {@link #close()} is {@link #cancel()}: use try-with-resources
 * where Go writes {@code defer cancel()}.
 */
public sealed interface CancellableContext extends Context, AutoCloseable permits CancelNode {
  /**
   * Cancels this context and, synchronously, every descendant: when this returns they all report
   * done, also if another cancel won the race. The first cancel wins; later calls do nothing. Does
   * not wait for the work to stop. Releases this context's timer at once.
   */
  void cancel();

  /** As {@link #cancel()}, and {@link #cause()} becomes {@code cause} (null means no cause). */
  void cancel(Throwable cause);

  /**
   * A view of this context for code that must watch it but never end it: same done-ness, err,
   * cause, deadline, values and name, but not a {@code CancellableContext}, so no cast can cancel
   * it. {@link Context#run}, {@link Context#call} and {@link Context#callInterruptibly} of a
   * cancellable context bind such a view as {@link Context#current()}, and integrations hand such
   * views to the code they call. Each call returns a new view.
   */
  Context readOnly();

  /** Same as {@link #cancel()}. */
  @Override
  void close();
}
