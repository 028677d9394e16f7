package dev.ctx4j;

import static dev.ctx4j.TaskGroupTest.async;
import static dev.ctx4j.TaskGroupTest.eventually;
import static dev.ctx4j.TaskGroupTest.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Scale and hygiene at virtual-thread numbers: 100,000 threads parked on one context, a group that
 * forks {@value #DEFAULT_FORKS} tasks with limit 1,000 (another count with {@code
 * -Dctx4j.taskgroup.forks=N}), and a task that ignores cancellation.
 *
 * <p>Run alone: {@code mvn -pl ctx4j-core -am verify -Dtest=TaskGroupScaleTest
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dctx4j.taskgroup.forks=N]}.
 */
class TaskGroupScaleTest {
  static final int DEFAULT_FORKS = 1_000_000;

  /** Collects garbage until every reference is cleared; fails naming how many stay reachable. */
  static void assertAllCollected(List<? extends WeakReference<?>> refs, String what) {
    long alive = refs.size();
    for (int i = 0; i < 50 && alive > 0; i++) {
      System.gc();
      Thread.yield();
      alive = refs.stream().filter(r -> r.get() != null).count();
    }
    if (alive > 0) {
      fail(alive + " of " + refs.size() + " " + what + " are still reachable");
    }
  }

  @Test
  void await_100kVirtualThreadsOnOneContext_oneCancelWakesAll_noneRetained() throws Exception {
    int n = 100_000;
    CancellableContext ctx = Context.background().withCancel();
    CountDownLatch woken = new CountDownLatch(n);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger entered = new AtomicInteger();
    List<Thread> threads = new ArrayList<>(n);
    List<WeakReference<Thread>> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      entered.incrementAndGet();
                      ctx.await();
                      woken.countDown();
                    } catch (InterruptedException e) {
                      interrupted.incrementAndGet();
                    }
                  });
      threads.add(t);
      refs.add(new WeakReference<>(t));
    }
    CancelNode node = (CancelNode) ctx;
    eventually(() -> entered.get() == n, "all " + n + " threads are running", 120);
    eventually(() -> node.dependents().size() == n, "all " + n + " threads are parked on ctx", 60);
    ctx.cancel();
    assertTrue(woken.await(2, TimeUnit.MINUTES), woken.getCount() + " threads never woke");
    assertEquals(0, interrupted.get());
    for (Thread t : threads) {
      t.join();
    }
    threads.clear();
    assertEquals(List.of(), node.dependents(), "the context keeps no waiter");
    assertAllCollected(refs, "woken threads (ctx itself is still strongly reachable)");
    assertTrue(ctx.isDone());
  }

  @Test
  void forks_manyOverOneGroupWithLimit1000_leaveNothingBehind() throws Exception {
    int forks = Integer.getInteger("ctx4j.taskgroup.forks", DEFAULT_FORKS);
    int limit = 1_000;
    int sampleEvery = 1_000;
    CancellableContext parent = Context.background().withCancel();
    TaskGroup group = TaskGroup.open(parent, limit);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    LongAdder ran = new LongAdder();
    List<WeakReference<Object>> samples = new ArrayList<>();
    List<WeakReference<Thread>> sampleThreads =
        java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < forks; i++) {
      boolean sampled = i % sampleEvery == 0;
      Future<Integer> f =
          group.fork(
              ctx -> {
                max.accumulateAndGet(running.incrementAndGet(), Math::max);
                if (sampled) {
                  sampleThreads.add(new WeakReference<>(Thread.currentThread()));
                }
                for (int y = 0; y < 4; y++) {
                  Thread.yield(); // lets tasks pile up to the limit
                }
                ran.increment();
                running.decrementAndGet();
                return 1;
              });
      if (sampled) {
        samples.add(new WeakReference<>(f));
      }
    }
    eventually(() -> group.activeTasks() == 0, "every task ended", 60);
    for (Link l : ((Node) group.context()).scope().dependents()) {
      assertInstanceOf(AfterDone.class, l, "only the slot waker may stay; no interrupter");
    }
    group.join();
    assertEquals(forks, ran.sum());
    assertTrue(max.get() <= limit, "ran " + max.get() + " at once with limit " + limit);
    assertEquals(0, group.waitingForks());
    assertEquals(List.of(), ((CancelNode) parent).dependents(), "the parent forgot the group");
    assertAllCollected(samples, "sampled futures (the group is still strongly reachable)");
    assertAllCollected(sampleThreads, "sampled task threads");
    assertFalse(parent.isDone());
    parent.cancel();
    System.out.println(forks + " forks, limit " + limit + ", at most " + max.get() + " at once");
  }

  /**
   * What a user sees when one task ignores cancellation (a busy loop that neither checks its
   * context nor blocks interruptibly): the first failure still cancels the group at once and every
   * cooperative task ends, but {@code join()} waits for the busy task, the group reports it as the
   * one active task, and nothing else is disturbed. When the loop finally ends, join reports the
   * first failure and the busy task's own result is kept.
   */
  @Test
  void busyTaskIgnoringCancellation_delaysJoinOnly_userSeesOneActiveTask() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch busyRunning = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("boom");
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Long> busy =
        group.fork(
            ctx -> {
              busyRunning.countDown();
              long spins = 0;
              while (!stop.get()) { // never looks at ctx, never blocks
                spins++;
                Thread.onSpinWait();
              }
              return spins;
            });
    Future<Object> polite =
        group.fork(
            ctx -> {
              ctx.await();
              return "left when asked";
            });
    busyRunning.await();
    group.fork(
        ctx -> {
          throw boom;
        });
    CompletableFuture<Object> join =
        async(
            () -> {
              group.join();
              return null;
            });
    eventually(() -> group.activeTasks() == 1, "only the busy task is left");
    assertSame(boom, group.context().cause(), "the failure cancelled the group at once");
    assertEquals("left when asked", polite.get(10, TimeUnit.SECONDS));
    assertFalse(join.isDone(), "join() cannot return while the busy task runs");
    assertEquals("TaskGroup[Context.background.withCancel, 1 active, unbounded]", group.toString());
    try (TaskGroup other = TaskGroup.open(Context.background())) { // nothing else breaks
      assertEquals(42, other.fork(ctx -> 42).get(10, TimeUnit.SECONDS));
      other.join();
    }
    stop.set(true);
    ExecutionException e = assertInstanceOf(ExecutionException.class, outcome(join));
    assertSame(boom, e.getCause());
    assertTrue(busy.get() >= 0, "the busy task's result is kept");
  }
}
