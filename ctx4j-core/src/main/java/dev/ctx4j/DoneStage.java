package dev.ctx4j;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The stage behind {@link Context#done()}: completes with null when the context is done; every way
 * for a caller to complete, fail or cancel it throws {@link UnsupportedOperationException}.
 * Dependents it creates are plain futures.
 *
 * <p>Two clocks, one truth (S22, S41): the cancelling thread never completes the stage itself, so
 * that no dependent runs on it; it hands {@link #signal} to the callback executor. Until that runs,
 * every query ({@code isDone}, {@code join}, {@code get}, {@code state}, {@code resultNow}) reads
 * the owner's state instead, so a stage obtained before the cancel reports complete to anyone who
 * has seen the context done; dependents attached meanwhile run when the signal lands. ({@code
 * getNow} needs no override: its only possible value is null either way.)
 *
 * <p>A context that can never be done gives each {@code done()} caller a fresh stage that never
 * completes (S23): a shared one would keep every dependent ever attached to it for the life of the
 * process.
 */
final class DoneStage extends CompletableFuture<Void> {
  private final CancelNode owner; // null: the context can never be done

  DoneStage(CancelNode owner) {
    this.owner = owner;
  }

  /** Completes the stage and runs its dependents, on this thread. */
  void signal() {
    super.complete(null);
  }

  /** True once the owner is done, whether or not {@link #signal} has run yet. */
  private boolean ownerDone() {
    return owner != null && owner.state != null;
  }

  @Override
  public boolean isDone() {
    return super.isDone() || ownerDone();
  }

  @Override
  public Void join() {
    return ownerDone() ? null : super.join();
  }

  @Override
  public Void get() throws InterruptedException, ExecutionException {
    return ownerDone() ? null : super.get();
  }

  @Override
  public Void get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return ownerDone() ? null : super.get(timeout, unit);
  }

  @Override
  public Void resultNow() {
    return ownerDone() ? null : super.resultNow();
  }

  @Override
  public State state() {
    return ownerDone() ? State.SUCCESS : super.state();
  }

  @Override
  public String toString() {
    return ownerDone() ? "DoneStage[Completed normally]" : "DoneStage[Incomplete]";
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
