package dev.ctx4j;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Context#get(Future)}: waits for whichever comes first, the future or the context.
 *
 * <p>A {@code CompletableFuture} wakes the caller through a dependent. Any other {@code Future} has
 * no completion hook, so a helper virtual thread (ctx4j's own, so interrupting it is fine) blocks
 * in {@code f.get()} and wakes the caller; it is interrupted when the context wins.
 */
final class FutureWait {
  private FutureWait() {}

  static <T> T get(Node ctx, CancelNode scope, Future<T> f)
      throws ExecutionException, InterruptedException {
    Waiter waiter = new Waiter(Thread.currentThread());
    if (!scope.link(waiter)) {
      return finish(ctx, f);
    }
    Thread helper = null;
    try {
      if (f instanceof CompletableFuture<?> cf) {
        var unused = cf.whenComplete((v, t) -> waiter.wake());
      } else {
        helper = Thread.ofVirtual().name("ctx4j-get").start(() -> awaitQuietly(f, waiter));
      }
      while (!f.isDone() && !ctx.ended()) {
        LockSupport.park(ctx);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return finish(ctx, f);
    } finally {
      waiter.clear();
      scope.unlink(waiter);
      if (helper != null) {
        helper.interrupt();
      }
    }
  }

  private static <T> T finish(Node ctx, Future<T> f)
      throws ExecutionException, InterruptedException {
    if (f.isDone()) {
      return f.get();
    }
    throw ctx.doneState().fresh();
  }

  private static void awaitQuietly(Future<?> f, Waiter waiter) {
    try {
      f.get();
    } catch (ExecutionException | RuntimeException e) {
      // the caller reads the outcome itself
    } catch (InterruptedException e) {
      return; // the context won; the caller no longer waits
    }
    waiter.wake();
  }
}
