package dev.ctx4j;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The stage behind {@link Context#done()}: completes with null when the context is done; every way
 * for a caller to complete, fail or cancel it throws {@link UnsupportedOperationException}.
 * Dependents it creates are plain futures.
 *
 * <p>A context that can never be done gives each {@code done()} caller a fresh stage that never
 * completes (S23): a shared one would keep every dependent ever attached to it for the life of the
 * process.
 */
final class DoneStage extends CompletableFuture<Void> {
  void signal() {
    super.complete(null);
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("done() completes only when its context is done");
  }

  @Override
  public boolean complete(Void value) {
    throw readOnly();
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw readOnly();
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    throw readOnly();
  }

  @Override
  public void obtrudeValue(Void value) {
    throw readOnly();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeOnTimeout(Void value, long timeout, TimeUnit unit) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> orTimeout(long timeout, TimeUnit unit) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeAsync(
      Supplier<? extends Void> supplier, Executor executor) {
    throw readOnly();
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  @Override
  public CompletableFuture<Void> toCompletableFuture() {
    return this;
  }
}
