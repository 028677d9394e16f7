package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Waiting": S21–S23, S27–S31. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitingTest {

  /** Runs {@code body} on a new thread; returns what it threw (or null), once it has ended. */
  interface Body {
    void run() throws Exception;
  }

  static final class Runner {
    final Thread thread;
    final AtomicReference<Throwable> thrown = new AtomicReference<>();
    final AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();

    Runner(Thread.Builder builder, Body body) {
      thread =
          builder.start(
              () -> {
                try {
                  body.run();
                } catch (Throwable t) {
                  thrown.set(t);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
              });
    }

    /** Waits until the thread parks (WAITING or TIMED_WAITING). */
    Runner parked() {
      while (thread.getState() != Thread.State.WAITING
          && thread.getState() != Thread.State.TIMED_WAITING) {
        if (!thread.isAlive()) {
          throw new AssertionError("ended before parking", thrown.get());
        }
        Thread.onSpinWait();
      }
      return this;
    }

    Throwable join() throws InterruptedException {
      thread.join();
      return thrown.get();
    }
  }

  @Test
  void s21_awaitReturnsOnceDone() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    AtomicReference<ContextException> seen = new AtomicReference<>();
    Runner r =
        new Runner(
            Thread.ofPlatform(),
            () -> {
              ctx.await();
              seen.set(ctx.err());
            });
    r.parked();
    assertNull(seen.get());
    ctx.cancel();
    assertNull(r.join());
    assertSame(ctx.err(), seen.get());
    assertTrue(Trees.dependents(ctx).isEmpty(), "the waiter left the list");
  }

  @Test
  void s21_awaitWorksOnVirtualThreads() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    Runner r = new Runner(Thread.ofVirtual(), () -> assertTrue(ctx.await(Duration.ofHours(1))));
    r.parked();
    ctx.cancel();
    assertNull(r.join());
  }

  @Test
  void s21_timedAwaitTrueIfDoneWithinFalseOtherwise() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    long start = System.nanoTime();
    assertFalse(ctx.await(Duration.ofMillis(20)));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos(), "returned early");
    assertTrue(Trees.dependents(ctx).isEmpty(), "a timed-out waiter leaves the list");

    Runner r = new Runner(Thread.ofPlatform(), () -> assertTrue(ctx.await(Duration.ofHours(1))));
    r.parked();
    ctx.cancel();
    assertNull(r.join());
    assertTrue(ctx.await(Duration.ofHours(1)), "done: true at once");
  }

  @Test
  void s21_zeroOrNegativeAwaitReturnsIsDoneAtOnce() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertFalse(ctx.await(Duration.ZERO));
    assertFalse(ctx.await(Duration.ofSeconds(-5)));
    assertFalse(Context.background().await(Duration.ZERO));
    ctx.cancel();
    assertTrue(ctx.await(Duration.ZERO));
    assertTrue(ctx.await(Duration.ofSeconds(-5)));
  }

  @Test
  void s21_interruptWhileWaitingThrowsAndClearsStatus() throws Exception {
    for (Context ctx : List.of(Context.background().withCancel(), Context.background())) {
      for (boolean timed : new boolean[] {false, true}) {
        Runner r =
            new Runner(
                Thread.ofPlatform(),
                () -> {
                  if (timed) {
                    ctx.await(Duration.ofHours(1));
                  } else {
                    ctx.await();
                  }
                });
        r.parked().thread.interrupt();
        assertInstanceOf(InterruptedException.class, r.join());
        assertFalse(r.interruptedAfter.get(), "interrupt status cleared");
        if (ctx instanceof CancellableContext c) {
          assertTrue(Trees.dependents(c).isEmpty(), "the waiter left the list");
        }
      }
      if (ctx instanceof CancellableContext c) {
        c.cancel();
      }
    }
  }

  @Test
  void s21_pendingInterruptIsCheckedFirstEvenWhenDone() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, ctx::await);
    assertFalse(Thread.currentThread().isInterrupted(), "status cleared");
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> ctx.await(Duration.ZERO));
    assertFalse(Thread.interrupted());
  }

  @Test
  void s22_doneCompletesWithNullAndIsTheSameStage() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    CompletionStage<Void> stage = ctx.done();
    assertSame(stage, ctx.done());
    assertFalse(stage.toCompletableFuture().isDone());
    CompletableFuture<String> dependent =
        stage.thenApply(v -> "ran with " + v).toCompletableFuture();

    ctx.cancel();

    assertNull(stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals("ran with null", dependent.get(30, TimeUnit.SECONDS));
    assertSame(stage, ctx.done());
    assertFalse(stage.toCompletableFuture().isCompletedExceptionally());
  }

  @Test
  void s22_doneOfDoneContextIsAlreadyComplete() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    assertTrue(ctx.done().toCompletableFuture().isDone());
    assertTrue(ctx.withCancel().done().toCompletableFuture().isDone(), "born done: complete too");
  }

  @Test
  void s22_callersCannotCompleteOrCancelTheStage() {
    CancellableContext ctx = Context.background().withCancel();
    for (Context c : List.of(ctx, Context.background())) {
      CompletableFuture<Void> f = c.done().toCompletableFuture();
      assertThrows(UnsupportedOperationException.class, () -> f.complete(null));
      assertThrows(
          UnsupportedOperationException.class, () -> f.completeExceptionally(new Exception()));
      assertThrows(UnsupportedOperationException.class, () -> f.cancel(true));
      assertThrows(UnsupportedOperationException.class, () -> f.obtrudeValue(null));
      assertThrows(UnsupportedOperationException.class, () -> f.obtrudeException(new Exception()));
      assertThrows(
          UnsupportedOperationException.class, () -> f.orTimeout(1, TimeUnit.MILLISECONDS));
      assertThrows(
          UnsupportedOperationException.class,
          () -> f.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS));
      assertThrows(UnsupportedOperationException.class, () -> f.completeAsync(() -> null));
      assertFalse(f.isDone(), c::toString);
      assertFalse(c.isDone(), c::toString);
    }
    ctx.cancel();
  }

  @Test
  void s23_neverDoneContextsGiveAStageThatNeverCompletes_andRetainNothingAttachedToIt() {
    List<Context> neverDone =
        List.of(
            Context.background(),
            Context.todo(),
            Context.background().withValue(Key.named("k"), 1),
            Context.background().withCancel().withoutCancel());
    for (Context c : neverDone) {
      CompletionStage<Void> stage = c.done();
      assertFalse(stage.toCompletableFuture().isDone(), c::toString);
      Runnable fn = new Runnable() { // a class of its own, so the weak reference is exact
            @Override
            public void run() {}
          };
      WeakReference<Runnable> ref = new WeakReference<>(fn);
      c.done().thenRun(fn); // the caller drops the stage: nothing may keep fn
      fn = null;
      assertTrue(AfterDoneTest.awaitCleared(ref), c + ": done() kept a dependent");
      assertThrows(
          UnsupportedOperationException.class,
          () -> stage.toCompletableFuture().complete(null),
          c + ": read-only even when never done");
    }
  }

  @Test
  void s27_throwIfDoneThrowsAFreshExceptionOfErrsClass() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.throwIfDone(); // live: nothing
    ctx.cancel();

    ContextCancelledException e = assertThrows(ContextCancelledException.class, ctx::throwIfDone);
    assertNotSame(ctx.err(), e);
    assertNull(e.getCause());
    assertTrue(e.getStackTrace().length > 0, "a stack trace of the caller");
    ContextCancelledException again =
        assertThrows(ContextCancelledException.class, ctx::throwIfDone);
    assertNotSame(e, again);
  }

  @Test
  void s27_throwIfDoneCarriesTheCustomCause() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext cancelled = Context.background().withCancel();
    cancelled.cancel(x);
    assertSame(x, assertThrows(ContextCancelledException.class, cancelled::throwIfDone).getCause());

    Context expired = Context.background().withTimeout(Duration.ZERO, x);
    assertSame(x, assertThrows(DeadlineExceededException.class, expired::throwIfDone).getCause());

    Context plainExpired =
        Context.background().withTimeout(Duration.ZERO).withValue(Key.named("k"), 1);
    assertNull(assertThrows(DeadlineExceededException.class, plainExpired::throwIfDone).getCause());
  }

  @Test
  void s28_sleepReturnsAfterTheDurationWhileLive() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    long start = System.nanoTime();
    ctx.sleep(Duration.ofMillis(20));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos(), "returned early");
    ctx.sleep(Duration.ZERO);
    ctx.sleep(Duration.ofSeconds(-1));
    Context.background().sleep(Duration.ofMillis(1));
    assertTrue(Trees.dependents(ctx).isEmpty());
    ctx.cancel();
  }

  @Test
  void s28_sleepThrowsWhenTheContextIsDoneMeanwhile() throws Exception {
    RuntimeException x = new RuntimeException("x");
    CancellableContext ctx = Context.background().withCancel();
    Runner r = new Runner(Thread.ofVirtual(), () -> ctx.sleep(Duration.ofHours(1)));
    r.parked();
    ctx.cancel(x);
    Throwable thrown = r.join();
    assertInstanceOf(ContextCancelledException.class, thrown);
    assertNotSame(ctx.err(), thrown);
    assertSame(x, thrown.getCause());
  }

  @Test
  void s28_sleepOnDoneContextThrowsAtOnceWhateverTheDuration() {
    Context ctx = Context.background().withTimeout(Duration.ZERO);
    for (Duration d : List.of(Duration.ofDays(365), Duration.ZERO, Duration.ofSeconds(-1))) {
      assertThrows(DeadlineExceededException.class, () -> ctx.sleep(d));
    }
  }

  @Test
  void s29_getReturnsTheValueOrThrowsExecutionException() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertEquals("v", ctx.get(CompletableFuture.completedFuture("v")));
    IllegalStateException boom = new IllegalStateException("boom");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> ctx.get(CompletableFuture.failedFuture(boom)));
    assertSame(boom, e.getCause());

    CompletableFuture<String> later = new CompletableFuture<>();
    Runner r = new Runner(Thread.ofPlatform(), () -> assertEquals("late", ctx.get(later)));
    r.parked();
    later.complete("late");
    assertNull(r.join());
    assertTrue(Trees.dependents(ctx).isEmpty(), "the waiter left the list");
    ctx.cancel();
  }

  @Test
  void s29_getOfPlainFutureWaitsForIt() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    FutureTask<String> task = new FutureTask<>(() -> "plain");
    Runner r = new Runner(Thread.ofPlatform(), () -> assertEquals("plain", ctx.get(task)));
    r.parked();
    task.run();
    assertNull(r.join());
    ctx.cancel();
  }

  @Test
  void s29_contextDoneFirstThrowsAndLeavesTheFutureUntouched() throws Exception {
    RuntimeException x = new RuntimeException("x");
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<String> never = new CompletableFuture<>();
    FutureTask<String> plain = new FutureTask<>(() -> "unused");
    Runner a = new Runner(Thread.ofPlatform(), () -> ctx.get(never));
    Runner b = new Runner(Thread.ofVirtual(), () -> ctx.get(plain));
    a.parked();
    b.parked();

    ctx.cancel(x);

    for (Runner r : List.of(a, b)) {
      Throwable t = r.join();
      assertInstanceOf(ContextCancelledException.class, t);
      assertSame(x, t.getCause());
    }
    assertFalse(never.isDone(), "not cancelled by ctx4j");
    assertFalse(plain.isDone(), "not cancelled by ctx4j");
    assertThrows(ContextCancelledException.class, () -> ctx.get(never), "done: at once");
  }

  @Test
  void s29_completedFutureWinsEvenOnDoneContext() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    assertEquals("done work", ctx.get(CompletableFuture.completedFuture("done work")));
    FutureTask<String> ran = new FutureTask<>(() -> "ran");
    ran.run();
    assertEquals("ran", ctx.get(ran));
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(
        boom,
        assertThrows(ExecutionException.class, () -> ctx.get(CompletableFuture.failedFuture(boom)))
            .getCause());
  }

  @Test
  void s30_currentIsBackgroundOutsideAndTheBoundContextInside() throws Exception {
    CancellableContext outer = Context.background().withCancel();
    Context inner = outer.withValue(Key.named("k"), 1);
    assertSame(Context.background(), Context.current());
    AtomicReference<Context> onOtherThread = new AtomicReference<>();

    outer.run(
        () -> {
          Context bound = Context.current();
          assertTrue(Trees.shows(bound, outer), "a read-only view of outer (ADR 0081)");
          inner.run(() -> assertSame(inner, Context.current()));
          assertSame(bound, Context.current(), "nested run restored the outer binding");
          assertThrows(
              IllegalStateException.class,
              () ->
                  inner.run(
                      () -> {
                        throw new IllegalStateException();
                      }));
          assertSame(bound, Context.current(), "restored after an exception too");
          Thread t = Thread.ofPlatform().start(() -> onOtherThread.set(Context.current()));
          joinQuietly(t);
        });
    assertSame(Context.background(), Context.current());
    assertSame(Context.background(), onOtherThread.get(), "bindings do not leak to threads");

    assertEquals("called", inner.call(() -> Context.current() == inner ? "called" : "wrong"));
    assertThrows(
        Exception.class,
        () ->
            inner.call(
                () -> {
                  throw new Exception("checked");
                }));
    assertSame(Context.background(), Context.current());
    outer.cancel();
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void s31_callInterruptiblyRunsTaskBoundAndReturnsItsValue() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertEquals(
        "ok", ctx.callInterruptibly(() -> Trees.shows(Context.current(), ctx) ? "ok" : "unbound"));
    assertSame(Context.background(), Context.current());
    assertTrue(Trees.dependents(ctx).isEmpty(), "the interrupter left the list");
    assertFalse(Thread.currentThread().isInterrupted());
    assertEquals(7, Context.background().callInterruptibly(() -> 7));
    ctx.cancel();
  }

  @Test
  void s31_cancelInterruptsABlockedTaskWhichThrowsAFreshContextException() throws Exception {
    for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
      RuntimeException x = new RuntimeException("x");
      CancellableContext ctx = Context.background().withCancel();
      BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
      Runner r = new Runner(builder, () -> ctx.callInterruptibly(queue::take));
      r.parked();

      ctx.cancel(x);

      Throwable t = r.join();
      assertInstanceOf(ContextCancelledException.class, t, builder::toString);
      assertNotSame(ctx.err(), t);
      assertSame(x, t.getCause());
      assertEquals(1, t.getSuppressed().length);
      assertInstanceOf(InterruptedException.class, t.getSuppressed()[0]);
      assertFalse(r.interruptedAfter.get(), "no interrupt left behind");
    }
  }

  @Test
  void s31_sleepingTaskIsStoppedByDeadline() throws Exception {
    Context ctx = Context.background().withTimeout(Duration.ofMillis(50));
    Runner r =
        new Runner(
            Thread.ofVirtual(),
            () ->
                ctx.callInterruptibly(
                    () -> {
                      Thread.sleep(Duration.ofHours(1));
                      return null;
                    }));
    Throwable t = r.join();
    assertInstanceOf(DeadlineExceededException.class, t);
    assertFalse(r.interruptedAfter.get());
  }

  @Test
  void s31_socketReadOnVirtualThreadIsStopped() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      CancellableContext ctx = Context.background().withCancel();
      Runner r =
          new Runner(
              Thread.ofVirtual(), () -> ctx.callInterruptibly(client.getInputStream()::read));
      r.parked(); // blocked in read: nothing is ever written to `accepted`

      ctx.cancel();

      Throwable t = r.join();
      assertInstanceOf(ContextCancelledException.class, t);
      assertEquals(1, t.getSuppressed().length);
      assertInstanceOf(SocketException.class, t.getSuppressed()[0], "closed by the interrupt");
      assertFalse(r.interruptedAfter.get());
      assertTrue(accepted.isConnected());
    }
  }

  @Test
  void s31_onDoneContextTheTaskDoesNotRun() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    AtomicReference<Boolean> ran = new AtomicReference<>(false);
    assertThrows(
        ContextCancelledException.class,
        () ->
            ctx.callInterruptibly(
                () -> {
                  ran.set(true);
                  return null;
                }));
    assertFalse(ran.get());
  }

  @Test
  void s31_anInterruptFromSomeoneElseIsPreserved() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    try {
      ctx.callInterruptibly(
          () -> {
            Thread.currentThread().interrupt();
            return null;
          });
      assertTrue(Thread.currentThread().isInterrupted(), "the task's own interrupt survives");
    } finally {
      Thread.interrupted();
    }
    ctx.cancel();
  }

  @Test
  void s31_foreignInterruptBeforeCtx4jsIsPreserved() throws Exception {
    // The callback executor is held by the test, so the interrupt lands exactly when it says.
    RecordingExecutor callbacks = new RecordingExecutor();
    Callbacks.install(callbacks);
    try {
      CancellableContext ctx = Context.background().withCancel();
      Object result =
          ctx.callInterruptibly(
              () -> {
                Thread.currentThread().interrupt(); // someone else's interrupt comes first
                ctx.cancel();
                callbacks.runAll(); // ctx4j's interrupt lands on this thread
                return "value";
              });
      assertEquals("value", result, "the task returned normally: its value wins");
      assertTrue(Thread.interrupted(), "the foreign interrupt was kept");
    } finally {
      Thread.interrupted();
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }

  @Test
  void s31_ctx4jInterruptThatLandedIsClearedOnReturn() throws Exception {
    RecordingExecutor callbacks = new RecordingExecutor();
    Callbacks.install(callbacks);
    try {
      CancellableContext ctx = Context.background().withCancel();
      Object result =
          ctx.callInterruptibly(
              () -> {
                ctx.cancel();
                callbacks.runAll();
                assertTrue(Thread.currentThread().isInterrupted(), "ctx4j interrupted the task");
                return "value";
              });
      assertEquals("value", result);
      assertFalse(Thread.interrupted(), "ctx4j's interrupt is gone after the call");
    } finally {
      Thread.interrupted();
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }

  @Test
  void s31_ctx4jInterruptDeliveredAfterTheCallEndsIsDropped() throws Exception {
    RecordingExecutor callbacks = new RecordingExecutor();
    Callbacks.install(callbacks);
    try {
      CancellableContext ctx = Context.background().withCancel();
      assertEquals(
          1,
          ctx.callInterruptibly(
              () -> {
                ctx.cancel();
                return 1;
              }));
      callbacks.runAll(); // the interrupter runs only now, after the call ended
      assertFalse(Thread.interrupted(), "a late interrupter does nothing");
    } finally {
      Thread.interrupted();
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }

  @Test
  void s31_cancelsRacingReturnsLeaveNoStrayInterrupt() throws Exception {
    // A short companion of CallInterruptiblyStressTest, on the default callback executor.
    for (int i = 0; i < 50; i++) {
      CancellableContext ctx = Context.background().withCancel();
      CountDownLatch inTask = new CountDownLatch(1);
      Runner r =
          new Runner(
              Thread.ofPlatform(),
              () ->
                  ctx.callInterruptibly(
                      () -> {
                        inTask.countDown();
                        return 1;
                      }));
      inTask.await();
      ctx.cancel();
      r.join();
      assertFalse(r.interruptedAfter.get(), "round " + i);
    }
  }
}
