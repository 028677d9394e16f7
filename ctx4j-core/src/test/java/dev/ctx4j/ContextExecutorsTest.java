package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextExecutors} and {@link Context#wrap}: tasks run with the submitter's {@link
 * Context#current()}, and the pool thread is back to its own binding afterwards.
 */
class ContextExecutorsTest {
  private static final Key<String> REQUEST = Key.named("request");
  private ExecutorService pool; // one thread, so "the next task" runs on the same thread
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void start() {
    pool = Executors.newSingleThreadExecutor();
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    scheduler.shutdownNow();
    assertSame(Context.background(), Context.current());
  }

  private static Context request(String id) {
    return Context.background().withValue(REQUEST, id);
  }

  /** What the pool thread sees when an unwrapped task runs on it next. */
  private Context nextUnwrappedSees(ExecutorService raw) throws Exception {
    return raw.submit(Context::current).get(10, TimeUnit.SECONDS);
  }

  @Test
  void wrapExecutor_taskRunsWithSubmittersContext_poolThreadClearedAfter() throws Exception {
    Executor wrapped = ContextExecutors.wrap((Executor) pool);
    Context ctx = request("r1");
    CompletableFuture<Context> seen = new CompletableFuture<>();
    ctx.run(() -> wrapped.execute(() -> seen.complete(Context.current())));
    assertSame(ctx, seen.get(10, TimeUnit.SECONDS));
    assertSame(Context.background(), nextUnwrappedSees(pool));
  }

  @Test
  void wrapExecutorService_submitCallableRunnableAndExecute_carryTheContext() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    Context ctx = request("r2");
    AtomicReference<Context> fromRunnable = new AtomicReference<>();
    AtomicReference<Context> fromExecute = new AtomicReference<>();
    CountDownLatch executed = new CountDownLatch(1);
    Future<Context> fromCallable =
        ctx.call(
            () -> {
              wrapped.execute(
                  () -> {
                    fromExecute.set(Context.current());
                    executed.countDown();
                  });
              return wrapped.submit(Context::current);
            });
    Future<?> runnable = ctx.call(() -> wrapped.submit(() -> fromRunnable.set(Context.current())));
    Future<String> withResult =
        ctx.call(() -> wrapped.submit(() -> fromRunnable.get().value(REQUEST), "fixed"));
    assertSame(ctx, fromCallable.get(10, TimeUnit.SECONDS));
    runnable.get(10, TimeUnit.SECONDS);
    assertSame(ctx, fromRunnable.get());
    assertEquals("fixed", withResult.get(10, TimeUnit.SECONDS));
    executed.await();
    assertSame(ctx, fromExecute.get());
    assertSame(Context.background(), nextUnwrappedSees(pool));
  }

  @Test
  void wrapExecutorService_invokeAllAndInvokeAny_carryTheContext() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    Context ctx = request("r3");
    List<Callable<String>> tasks =
        List.of(() -> Context.current().value(REQUEST), () -> Context.current().value(REQUEST));
    List<Future<String>> all = ctx.call(() -> wrapped.invokeAll(tasks));
    assertEquals("r3", all.get(0).get());
    assertEquals("r3", all.get(1).get());
    assertEquals("r3", ctx.call(() -> wrapped.invokeAny(tasks)));
    assertEquals("r3", ctx.call(() -> wrapped.invokeAll(tasks, 10, TimeUnit.SECONDS)).get(0).get());
    assertEquals("r3", ctx.call(() -> wrapped.invokeAny(tasks, 10, TimeUnit.SECONDS)));
  }

  @Test
  void wrappedTask_capturesContextAtSubmission_notAtRun() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    CountDownLatch mayRun = new CountDownLatch(1);
    pool.execute(
        () -> {
          try {
            mayRun.await(); // keeps the pool busy until the submitter has left its run()
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Context ctx = request("r4");
    Future<Context> seen = ctx.call(() -> wrapped.submit(Context::current));
    assertSame(Context.background(), Context.current());
    mayRun.countDown();
    assertSame(ctx, seen.get(10, TimeUnit.SECONDS));
  }

  @Test
  void wrappedTask_submittedOutsideAnyRun_seesBackground() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    assertSame(Context.background(), wrapped.submit(Context::current).get(10, TimeUnit.SECONDS));
  }

  @Test
  void wrappedTask_thatThrows_leavesNoBindingOnPoolThread() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    Context ctx = request("r5");
    Future<Object> failing =
        ctx.call(
            () ->
                wrapped.submit(
                    () -> {
                      throw new IllegalStateException("task failed");
                    }));
    assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
    assertSame(Context.background(), nextUnwrappedSees(pool));
  }

  @Test
  void wrapScheduled_oneShotAndPeriodic_runWithSchedulingContext() throws Exception {
    ScheduledExecutorService wrapped = ContextExecutors.wrap(scheduler);
    Context ctx = request("r6");
    ScheduledFuture<Context> once =
        ctx.call(() -> wrapped.schedule(Context::current, 1, TimeUnit.MILLISECONDS));
    CompletableFuture<Context> runnable = new CompletableFuture<>();
    ctx.run(
        () -> {
          var unused =
              wrapped.schedule(
                  () -> runnable.complete(Context.current()), 1, TimeUnit.MILLISECONDS);
        });
    CountDownLatch threeRuns = new CountDownLatch(3);
    AtomicReference<Context> wrong = new AtomicReference<>();
    Runnable periodic =
        () -> {
          if (Context.current() != ctx) {
            wrong.set(Context.current());
          }
          threeRuns.countDown();
        };
    ScheduledFuture<?> rate =
        ctx.call(() -> wrapped.scheduleAtFixedRate(periodic, 0, 1, TimeUnit.MILLISECONDS));
    threeRuns.await();
    rate.cancel(false);
    CountDownLatch threeMore = new CountDownLatch(3);
    ScheduledFuture<?> delay =
        ctx.call(
            () ->
                wrapped.scheduleWithFixedDelay(threeMore::countDown, 0, 1, TimeUnit.MILLISECONDS));
    threeMore.await();
    delay.cancel(false);
    assertSame(ctx, once.get(10, TimeUnit.SECONDS));
    assertSame(ctx, runnable.get(10, TimeUnit.SECONDS));
    assertSame(null, wrong.get());
    assertSame(Context.background(), scheduler.submit(Context::current).get(10, TimeUnit.SECONDS));
  }

  @Test
  void wrapExecutorService_lifecycleGoesToTheDelegate() throws Exception {
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    wrapped.shutdown();
    assertTrue(pool.isShutdown());
    assertTrue(wrapped.isShutdown());
    assertTrue(wrapped.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(wrapped.isTerminated());
    ExecutorService other = Executors.newSingleThreadExecutor();
    ExecutorService wrappedOther = ContextExecutors.wrap(other);
    wrappedOther.close();
    assertTrue(other.isTerminated());
    assertEquals(List.of(), ContextExecutors.wrap(scheduler).shutdownNow());
  }

  @Test
  void contextWrap_runnableAndCallable_bindOnAnyThreadAndRestore() throws Exception {
    Context ctx = request("r7");
    AtomicReference<Context> seen = new AtomicReference<>();
    Runnable r = ctx.wrap(() -> seen.set(Context.current()));
    Thread t = Thread.ofVirtual().start(r);
    t.join();
    assertSame(ctx, seen.get());
    Callable<Context> c = ctx.wrap(Context::current);
    assertSame(ctx, c.call());
    assertSame(Context.background(), Context.current());
  }

  @Test
  void b1_nulls_throwNpeNamingTheParameter() {
    assertEquals(
        "executor",
        assertThrows(NullPointerException.class, () -> ContextExecutors.wrap((Executor) null))
            .getMessage());
    assertEquals(
        "executor",
        assertThrows(
                NullPointerException.class, () -> ContextExecutors.wrap((ExecutorService) null))
            .getMessage());
    assertEquals(
        "executor",
        assertThrows(
                NullPointerException.class,
                () -> ContextExecutors.wrap((ScheduledExecutorService) null))
            .getMessage());
    assertEquals(
        "task",
        assertThrows(NullPointerException.class, () -> Context.background().wrap((Runnable) null))
            .getMessage());
    assertEquals(
        "task",
        assertThrows(
                NullPointerException.class,
                () -> Context.background().wrap((Callable<Object>) null))
            .getMessage());
    ExecutorService wrapped = ContextExecutors.wrap(pool);
    assertEquals(
        "task", assertThrows(NullPointerException.class, () -> wrapped.execute(null)).getMessage());
  }
}
