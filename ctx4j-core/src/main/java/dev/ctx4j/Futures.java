package dev.ctx4j;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bridges between contexts and the JDK's futures, in both directions.
 *
 * <ul>
 *   <li>{@link #cancelWhenDone}: a {@link CompletableFuture} that fails when a context ends first.
 *   <li>{@link #withStage} and {@link #withFuture}: a context that ends when a stage or future
 *       completes first.
 * </ul>
 *
 * <p>Each bridge releases itself when either side finishes: a long-lived context does not keep
 * completed futures, and a long-lived future does not keep ended contexts.
 */
public final class Futures {
  private Futures() {}

  /**
   * Ties {@code future} to {@code ctx}: if {@code ctx} is done before {@code future} completes,
   * {@code future} is completed exceptionally with a fresh {@link ContextException} (as {@link
   * Context#throwIfDone()} makes), so {@code isCancelled()} is true and {@code get()} or {@code
   * join()} throw that exception. This happens at once if {@code ctx} is already done; otherwise on
   * a callback thread, never on the cancelling one, so the future's dependents run there. When
   * {@code future} completes first, nothing stays registered on {@code ctx}.
   *
   * @return {@code future}, for chaining
   * @throws NullPointerException if {@code ctx} or {@code future} is null
   */
  public static <T> CompletableFuture<T> cancelWhenDone(Context ctx, CompletableFuture<T> future) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(future, "future");
    if (future.isDone()) {
      return future;
    }
    Node node = (Node) ctx; // every Context is a Node (the interface is sealed)
    Propagation done = node.doneState();
    if (done != null) {
      future.completeExceptionally(done.fresh());
      return future;
    }
    Registration registration =
        ctx.afterDone(() -> future.completeExceptionally(node.doneState().fresh()));
    var unused = future.whenComplete((value, failure) -> registration.stop());
    return future;
  }

  /**
   * A child of {@code parent} that is also done when {@code stage} completes: with a plain cancel
   * if it completes normally, with its exception as {@link Context#cause()} if it fails. Born done
   * if {@code stage} is already complete. Once the child is done, {@code stage} no longer holds it.
   *
   * @throws NullPointerException if {@code parent} or {@code stage} is null
   */
  public static CancellableContext withStage(Context parent, CompletionStage<?> stage) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(stage, "stage");
    CancellableContext child = parent.withCancel();
    AtomicReference<CancellableContext> ref = new AtomicReference<>(child);
    if (!((CancelNode) child).link(new Release(ref))) {
      return child; // the parent is done: nothing to watch
    }
    var unused =
        stage.whenComplete(
            (value, failure) -> {
              CancellableContext c = ref.getAndSet(null);
              if (c != null) {
                c.cancel(unwrap(failure));
              }
            });
    return child;
  }

  /**
   * As {@link #withStage}, for any {@link Future}. A {@link CompletionStage} is watched through its
   * completion; any other future has no completion hook, so a ctx4j virtual thread waits in {@code
   * future.get()} and is interrupted (and ends) as soon as the child is done for another reason. A
   * cancelled future gives its {@link CancellationException} as cause.
   *
   * @throws NullPointerException if {@code parent} or {@code future} is null
   */
  public static CancellableContext withFuture(Context parent, Future<?> future) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(future, "future");
    if (future instanceof CompletionStage<?> stage) {
      return withStage(parent, stage);
    }
    CancellableContext child = parent.withCancel();
    Watch watch = new Watch(future, (CancelNode) child);
    if (((CancelNode) child).link(watch)) {
      watch.thread.start();
    }
    return child;
  }

  private static Throwable unwrap(Throwable failure) {
    if (failure instanceof CompletionException && failure.getCause() != null) {
      return failure.getCause();
    }
    return failure;
  }

  /** Drops the stage's path to the child once the child is done, whatever ended it. */
  private static final class Release extends Link {
    private final AtomicReference<CancellableContext> ref;

    Release(AtomicReference<CancellableContext> ref) {
      this.ref = ref;
    }

    @Override
    void fire(CancelNode owner) {
      ref.set(null);
    }
  }

  /** A helper thread waiting for a plain future; interrupted when the child ends first. */
  private static final class Watch extends Link implements Runnable {
    private final Future<?> future;
    private final CancelNode child;
    final Thread thread;

    Watch(Future<?> future, CancelNode child) {
      this.future = future;
      this.child = child;
      this.thread = Thread.ofVirtual().name("ctx4j-future-watch").unstarted(this);
    }

    @Override
    public void run() {
      if (child.ended()) {
        return;
      }
      Throwable cause;
      try {
        future.get();
        cause = null;
      } catch (ExecutionException e) {
        cause = e.getCause();
      } catch (CancellationException e) {
        cause = e;
      } catch (InterruptedException e) {
        return; // the child ended first; this thread is ctx4j's own, so the interrupt ends here
      }
      child.unlink(this);
      child.cancel(cause);
    }

    @Override
    void fire(CancelNode owner) {
      Callbacks.dispatch(Callbacks.executor(), thread::interrupt);
    }
  }
}
