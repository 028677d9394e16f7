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

  /** Same as {@link #cancel()}. */
  @Override
  void close();
}
