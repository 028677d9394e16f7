package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "afterDone": S18, S19, S26. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AfterDoneTest {

  @Test
  void s18_runsOnceAfterDoneOnAnotherThread() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Throwable> errSeen = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    ctx.afterDone(
        () -> {
          runs.incrementAndGet();
          ranOn.set(Thread.currentThread());
          errSeen.set(ctx.err());
          ran.countDown();
        });
    assertEquals(0, runs.get(), "not before done");

    ctx.cancel();
    ctx.cancel();
    assertTrue(ran.await(30, TimeUnit.SECONDS));

    assertNotSame(Thread.currentThread(), ranOn.get(), "never on the cancelling thread");
    assertSame(ctx.err(), errSeen.get());
    assertEquals(1, runs.get());
  }

  @Test
  void s18_handedToTheExecutorExactlyOnce() {
    RecordingExecutor executor = new RecordingExecutor();
    CancellableContext parent = Context.background().withCancel();
    Context ctx = parent.withCancel();
    AtomicInteger runs = new AtomicInteger();
    ctx.afterDone(runs::incrementAndGet, executor);

    ((CancellableContext) ctx).cancel();
    parent.cancel();
    ((CancellableContext) ctx).cancel();

    assertEquals(0, runs.get(), "not run inline by cancel()");
    assertEquals(1, executor.tasks.size());
    executor.runAll();
    assertEquals(1, runs.get());
  }

  @Test
  void s18_onDoneContextStartsAtOnce() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    RecordingExecutor executor = new RecordingExecutor();
    Registration r = ctx.afterDone(() -> {}, executor);
    assertEquals(1, executor.tasks.size(), "handed over before afterDone returns");
    assertFalse(r.stop(), "already started");

    CountDownLatch ran = new CountDownLatch(1);
    ctx.afterDone(ran::countDown);
    assertTrue(ran.await(30, TimeUnit.SECONDS), "default executor runs it too");
    assertTrue(Trees.dependents(ctx).isEmpty());
  }

  @Test
  void s18_stopBeforeDoneKeepsItFromRunning() {
    RecordingExecutor executor = new RecordingExecutor();
    CancellableContext ctx = Context.background().withCancel();
    Registration r = ctx.afterDone(() -> {}, executor);
    assertEquals(1, Trees.dependents(ctx).size());

    assertTrue(r.stop());
    assertTrue(Trees.dependents(ctx).isEmpty(), "a stopped callback is unlinked");
    assertFalse(r.stop(), "second stop");
    ctx.cancel();

    assertTrue(executor.tasks.isEmpty(), "never handed over");
  }

  @Test
  void s18_stopAfterStartReturnsFalse() {
    RecordingExecutor executor = new RecordingExecutor();
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger runs = new AtomicInteger();
    Registration r = ctx.afterDone(runs::incrementAndGet, executor);
    ctx.cancel();

    assertFalse(r.stop());
    assertFalse(r.stop());
    executor.runAll();
    assertEquals(1, runs.get(), "stop() after the start does not prevent the run");
  }

  @Test
  void s19_neverDoneContextNeverRunsAndHoldsNothing() throws Exception {
    RecordingExecutor executor = new RecordingExecutor();
    CancellableContext parent = Context.background().withCancel();
    Context detached = parent.withoutCancel();
    List<Context> neverDone =
        List.of(
            Context.background(),
            Context.todo(),
            detached,
            detached.withValue(Key.named("k"), "v"),
            Context.background().withValue(Key.named("k"), "v"));
    for (Context c : neverDone) {
      Runnable fn = new Runnable() { // a class of its own, so the weak reference is exact
            @Override
            public void run() {}
          };
      WeakReference<Runnable> ref = new WeakReference<>(fn);
      Registration r = c.afterDone(fn, executor);
      fn = null;
      assertTrue(awaitCleared(ref), c + ": the registration still holds fn");
      assertTrue(r.stop(), c::toString);
      Reference.reachabilityFence(r);
    }
    parent.cancel();
    assertTrue(executor.tasks.isEmpty(), "nothing ran");
    assertTrue(Trees.dependents(parent).isEmpty(), "nothing reached the cancellable parent");
  }

  @Test
  void s19_stopOnNeverDoneContextReturnsTrue() {
    assertTrue(Context.background().afterDone(() -> {}).stop());
    assertTrue(Context.background().withCancel().withoutCancel().afterDone(() -> {}).stop());
  }

  static boolean awaitCleared(WeakReference<?> ref) {
    for (int i = 0; i < 20 && ref.get() != null; i++) {
      System.gc();
    }
    return ref.get() == null;
  }

  @Test
  void s26_throwingCallbackGoesToItsThreadsHandlerAndStopsNothing() throws Exception {
    ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
    CountDownLatch finished = new CountDownLatch(3);
    Executor withHandler =
        task ->
            Thread.ofPlatform()
                .uncaughtExceptionHandler(
                    (t, e) -> {
                      reported.add(e);
                      finished.countDown();
                    })
                .start(
                    () -> {
                      task.run();
                      finished.countDown();
                    });
    CancellableContext ctx = Context.background().withCancel();
    CancellableContext child = ctx.withCancel();
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger ran = new AtomicInteger();
    ctx.afterDone(ran::incrementAndGet, withHandler);
    ctx.afterDone(
        () -> {
          throw boom;
        },
        withHandler);
    ctx.afterDone(ran::incrementAndGet, withHandler);

    ctx.cancel();

    assertTrue(child.isDone(), "propagation went on");
    assertTrue(finished.await(30, TimeUnit.SECONDS));
    assertEquals(2, ran.get());
    assertEquals(List.of(boom), List.copyOf(reported));
  }

  @Test
  void s26_throwingCallbackOnDefaultExecutorReachesDefaultHandler() throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    AtomicReference<Throwable> reported = new AtomicReference<>();
    CountDownLatch seen = new CountDownLatch(1);
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          reported.set(e);
          seen.countDown();
        });
    try {
      CancellableContext ctx = Context.background().withCancel();
      IllegalStateException boom = new IllegalStateException("boom");
      CountDownLatch other = new CountDownLatch(1);
      ctx.afterDone(
          () -> {
            throw boom;
          });
      ctx.afterDone(other::countDown);
      ctx.cancel();
      assertTrue(seen.await(30, TimeUnit.SECONDS));
      assertTrue(other.await(30, TimeUnit.SECONDS));
      assertSame(boom, reported.get());
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void s26_rejectingExecutorIsReportedOnTheCancellingThreadAndStopsNothing() throws Exception {
    RejectedExecutionException rejected = new RejectedExecutionException("full");
    Executor rejecting =
        task -> {
          throw rejected;
        };
    RecordingExecutor good = new RecordingExecutor();
    CancellableContext ctx = Context.background().withCancel();
    Context child = ctx.withCancel();
    ctx.afterDone(() -> {}, rejecting);
    ctx.afterDone(() -> {}, good);
    child.afterDone(() -> {}, good);
    AtomicReference<Throwable> reported = new AtomicReference<>();

    Thread canceller =
        Thread.ofPlatform()
            .uncaughtExceptionHandler((t, e) -> reported.set(e))
            .unstarted(ctx::cancel);
    canceller.start();
    canceller.join();

    assertSame(rejected, reported.get());
    assertTrue(child.isDone());
    assertEquals(2, good.tasks.size(), "the other callbacks were handed over");
  }
}
