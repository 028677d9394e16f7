package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link Futures}: futures tied to contexts, and contexts derived from futures. */
class FuturesTest {

  /** The exception {@code f} was completed with (unwrapped), or null if it succeeded. */
  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    return f.handle((value, failure) -> failure).get(10, TimeUnit.SECONDS);
  }

  private static void awaitDone(Context ctx) throws InterruptedException {
    assertTrue(ctx.await(Duration.ofSeconds(10)), "context did not end: " + ctx);
  }

  /** Collects garbage until {@code ref} is cleared; fails if it stays reachable. */
  static void assertCollected(WeakReference<?> ref, String what) {
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.yield();
    }
    if (ref.get() != null) {
      fail(what + " is still reachable");
    }
  }

  // ---- cancelWhenDone ----------------------------------------------------------------------

  @Test
  void cancelWhenDone_contextCancelledFirst_futureFailsWithFreshContextException()
      throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    RuntimeException why = new RuntimeException("client went away");
    CompletableFuture<String> future = Futures.cancelWhenDone(ctx, new CompletableFuture<>());
    ctx.cancel(why);
    Throwable failure = failureOf(future);
    ContextCancelledException ce = assertInstanceOf(ContextCancelledException.class, failure);
    assertSame(why, ce.getCause());
    assertNotSame(ctx.err(), ce, "a fresh exception, not the shared err()");
    assertTrue(future.isCancelled(), "a ContextException is a CancellationException");
    assertThrows(CancellationException.class, future::get);
  }

  @Test
  void cancelWhenDone_deadlinePasses_futureFailsWithDeadlineExceeded() throws Exception {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(20))) {
      CompletableFuture<String> future = Futures.cancelWhenDone(ctx, new CompletableFuture<>());
      assertInstanceOf(DeadlineExceededException.class, failureOf(future));
    }
  }

  @Test
  void cancelWhenDone_contextAlreadyDone_failsTheFutureAtOnce() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    CompletableFuture<String> future = Futures.cancelWhenDone(ctx, new CompletableFuture<>());
    assertTrue(future.isCompletedExceptionally(), "completed before cancelWhenDone returned");
  }

  @Test
  void cancelWhenDone_futureCompletesFirst_keepsValueAndLeavesNothingOnContext() throws Exception {
    try (CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<String> future = Futures.cancelWhenDone(ctx, new CompletableFuture<>());
      assertEquals(1, ((CancelNode) ctx).dependents().size(), "one registration while pending");
      future.complete("value");
      assertEquals(0, ((CancelNode) ctx).dependents().size(), "released on completion");
      ctx.cancel();
      assertEquals("value", future.get());
    }
  }

  @Test
  void cancelWhenDone_onContextThatIsNeverDone_registersNothing() throws Exception {
    CompletableFuture<String> future =
        Futures.cancelWhenDone(Context.background(), new CompletableFuture<>());
    future.complete("v");
    assertEquals("v", future.get());
  }

  // ---- withStage ---------------------------------------------------------------------------

  @Test
  void withStage_stageCompletesNormally_childIsCancelledWithoutCause() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CancellableContext child = Futures.withStage(Context.background(), stage);
    assertFalse(child.isDone());
    stage.complete("ok");
    assertTrue(child.isDone(), "cancelled synchronously by the completing thread");
    assertInstanceOf(ContextCancelledException.class, child.err());
    assertSame(child.err(), child.cause());
  }

  @Test
  void withStage_stageFails_childCauseIsTheFailure_unwrappedFromCompletionException() {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletionStage<String> dependent = source.thenApply(s -> s + "!");
    CancellableContext child = Futures.withStage(Context.background(), dependent);
    source.completeExceptionally(boom);
    assertTrue(child.isDone());
    assertSame(boom, child.cause());
  }

  @Test
  void withStage_alreadyComplete_childBornDone() {
    CancellableContext child =
        Futures.withStage(Context.background(), CompletableFuture.completedFuture(1));
    assertTrue(child.isDone());
  }

  @Test
  void withStage_parentCancelledFirst_stageNoLongerHoldsTheChild() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    CompletableFuture<String> neverCompletes = new CompletableFuture<>();
    CancellableContext child = Futures.withStage(parent, neverCompletes);
    WeakReference<Context> ref = new WeakReference<>(child);
    parent.cancel();
    assertTrue(child.isDone());
    child = null;
    assertCollected(ref, "the child of a pending stage");
    assertFalse(neverCompletes.isDone(), "the stage itself is never touched");
  }

  @Test
  void withStage_childIsAChildOfParent_seesValues() {
    Key<String> k = Key.named("k");
    CancellableContext child =
        Futures.withStage(Context.background().withValue(k, "v"), new CompletableFuture<>());
    assertEquals("v", child.value(k));
    child.cancel();
  }

  // ---- withFuture --------------------------------------------------------------------------

  @Test
  void withFuture_plainFutureCompletes_childIsDone() throws Exception {
    FutureTask<String> task = new FutureTask<>(() -> "done");
    CancellableContext child = Futures.withFuture(Context.background(), task);
    assertFalse(child.isDone());
    task.run();
    awaitDone(child);
    assertInstanceOf(ContextCancelledException.class, child.err());
    assertSame(child.err(), child.cause());
  }

  @Test
  void withFuture_plainFutureFails_childCauseIsTheFailure() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    FutureTask<String> task =
        new FutureTask<>(
            () -> {
              throw boom;
            });
    CancellableContext child = Futures.withFuture(Context.background(), task);
    task.run();
    awaitDone(child);
    assertSame(boom, child.cause());
  }

  @Test
  void withFuture_plainFutureCancelled_childCauseIsCancellation() throws Exception {
    FutureTask<String> task = new FutureTask<>(() -> "never");
    CancellableContext child = Futures.withFuture(Context.background(), task);
    task.cancel(false);
    awaitDone(child);
    assertInstanceOf(CancellationException.class, child.cause());
  }

  @Test
  void withFuture_childCancelledFirst_helperThreadStopsWaiting() throws Exception {
    RecordingFuture future = new RecordingFuture();
    CancellableContext child = Futures.withFuture(Context.background(), future);
    future.entered.await();
    child.cancel();
    assertTrue(future.left.await(10, TimeUnit.SECONDS), "the helper left get()");
    assertTrue(future.interrupted, "it left because ctx4j interrupted its own thread");
    future.helper.join();
  }

  @Test
  void withFuture_completableFuture_usesItsCompletionHook() {
    CompletableFuture<String> cf = new CompletableFuture<>();
    CancellableContext child = Futures.withFuture(Context.background(), cf);
    cf.complete("x");
    assertTrue(child.isDone(), "done synchronously: no helper thread in between");
  }

  @Test
  void withFuture_alreadyDonePlainFuture_childDoneWithoutWaitingLong() throws Exception {
    FutureTask<String> task = new FutureTask<>(() -> "v");
    task.run();
    CancellableContext child = Futures.withFuture(Context.background(), task);
    awaitDone(child);
  }

  @Test
  void withFuture_parentAlreadyDone_childBornDone_noHelperStarted() {
    CancellableContext parent = Context.background().withCancel();
    parent.cancel();
    RecordingFuture future = new RecordingFuture();
    CancellableContext child = Futures.withFuture(parent, future);
    assertTrue(child.isDone());
    assertEquals(1, future.entered.getCount(), "get() was never called");
  }

  // ---- bad input ---------------------------------------------------------------------------

  @Test
  void b1_nulls_throwNpeNamingTheParameter() {
    Context bg = Context.background();
    CompletableFuture<String> cf = new CompletableFuture<>();
    assertEquals(
        "ctx",
        assertThrows(NullPointerException.class, () -> Futures.cancelWhenDone(null, cf))
            .getMessage());
    assertEquals(
        "future",
        assertThrows(NullPointerException.class, () -> Futures.cancelWhenDone(bg, null))
            .getMessage());
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> Futures.withStage(null, cf)).getMessage());
    assertEquals(
        "stage",
        assertThrows(NullPointerException.class, () -> Futures.withStage(bg, null)).getMessage());
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> Futures.withFuture(null, cf)).getMessage());
    assertEquals(
        "future",
        assertThrows(NullPointerException.class, () -> Futures.withFuture(bg, null)).getMessage());
    assertNull(cf.getNow(null));
  }

  /** A future that never completes and records how its waiter entered and left {@code get()}. */
  private static final class RecordingFuture implements Future<String> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch left = new CountDownLatch(1);
    volatile Thread helper;
    volatile boolean interrupted;

    @Override
    public String get() throws InterruptedException {
      helper = Thread.currentThread();
      entered.countDown();
      try {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
      } catch (InterruptedException e) {
        interrupted = true;
        throw e;
      } finally {
        left.countDown();
      }
    }

    @Override
    public String get(long timeout, TimeUnit unit) throws TimeoutException {
      throw new TimeoutException("not used");
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return false;
    }
  }
}
