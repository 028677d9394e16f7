package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** S40 (task groups), B1 and B4 for {@link TaskGroup}; one test per promise. */
class TaskGroupTest {
  private static final long WAIT_SECONDS = 10;

  @AfterEach
  void nothingLeftBound() {
    assertSame(Context.background(), Context.current());
    assertFalse(Thread.interrupted(), "a test left an interrupt on the test thread");
  }

  /** Polls {@code condition} (no sleeping) until it holds; fails after {@link #WAIT_SECONDS}. */
  static void eventually(BooleanSupplier condition, String what) {
    eventually(condition, what, WAIT_SECONDS);
  }

  /** As {@link #eventually(BooleanSupplier, String)}, failing after {@code seconds}. */
  static void eventually(BooleanSupplier condition, String what, long seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("timed out after " + seconds + " s waiting until " + what);
      }
      LockSupport.parkNanos(100_000); // a state change has no signal to wait on: poll gently
    }
  }

  /** Runs {@code body} on a new virtual thread and exposes its outcome as a future. */
  static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(body.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  /** What {@code f} failed with (as given to completeExceptionally), or null if it succeeded. */
  static Throwable outcome(CompletableFuture<?> f) throws Exception {
    return f.handle((value, failure) -> failure).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  // ---- first failure -----------------------------------------------------------------------

  @Test
  void s40_firstFailure_cancelsContextWithThatFailureAsCause() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Object> failing =
        group.fork(
            ctx -> {
              throw boom;
            });
    ExecutionException e = assertThrows(ExecutionException.class, group::join);
    assertSame(boom, e.getCause());
    assertSame(boom, group.context().cause());
    assertInstanceOf(ContextCancelledException.class, group.context().err());
    ExecutionException fromFuture = assertThrows(ExecutionException.class, failing::get);
    assertSame(boom, fromFuture.getCause());
  }

  @Test
  void s40_firstFailure_siblingsSeeContextDoneAndAreInterrupted() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch siblingWaiting = new CountDownLatch(1);
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();
    try (TaskGroup group = TaskGroup.open(Context.background())) {
      Future<Object> sibling =
          group.fork(
              ctx -> {
                siblingWaiting.countDown();
                try {
                  new CountDownLatch(1)
                      .await(); // knows nothing of contexts: only an interrupt ends it
                } catch (InterruptedException ie) {
                  siblingSaw.set(ie);
                  assertTrue(ctx.isDone(), "interrupted only after the context is done");
                  throw ie;
                }
                return null;
              });
      siblingWaiting.await();
      group.fork(
          ctx -> {
            throw boom;
          });
      ExecutionException e = assertThrows(ExecutionException.class, group::join);
      assertSame(boom, e.getCause(), "join reports the first failure, not the sibling's");
      assertInstanceOf(InterruptedException.class, siblingSaw.get());
      ExecutionException siblingFailure = assertThrows(ExecutionException.class, sibling::get);
      ContextCancelledException ce =
          assertInstanceOf(ContextCancelledException.class, siblingFailure.getCause());
      assertSame(boom, ce.getCause());
      assertSame(siblingSaw.get(), ce.getSuppressed()[0]);
    }
  }

  @Test
  void s40_errorThrownByTask_isAFailureToo() {
    AssertionError error = new AssertionError("broken invariant");
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          throw error;
        });
    ExecutionException e = assertThrows(ExecutionException.class, group::join);
    assertSame(error, e.getCause());
  }

  @Test
  void s40_taskStoppedByContextException_isAFailureLikeAnyOther() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    IllegalArgumentException why = new IllegalArgumentException("shutting down");
    CountDownLatch started = new CountDownLatch(1);
    TaskGroup group = TaskGroup.open(parent);
    group.fork(
        ctx -> {
          started.countDown();
          ctx.await();
          ctx.throwIfDone();
          return null;
        });
    started.await();
    parent.cancel(why);
    ExecutionException e = assertThrows(ExecutionException.class, group::join);
    ContextCancelledException ce = assertInstanceOf(ContextCancelledException.class, e.getCause());
    assertSame(why, ce.getCause());
  }

  // ---- join ----------------------------------------------------------------------------------

  @Test
  void s40_join_waitsForEveryTask() throws Exception {
    Semaphore release = new Semaphore(0);
    AtomicInteger finished = new AtomicInteger();
    TaskGroup group = TaskGroup.open(Context.background());
    for (int i = 0; i < 5; i++) {
      group.fork(
          ctx -> {
            release.acquire();
            return finished.incrementAndGet();
          });
    }
    CompletableFuture<Integer> join =
        async(
            () -> {
              group.join();
              return finished.get();
            });
    release.release(4);
    eventually(() -> finished.get() == 4, "four tasks finished");
    assertFalse(join.isDone(), "join returned while a task was still running");
    release.release(1);
    assertEquals(5, join.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void s40_join_withoutFailure_returnsAndContextIsCancelled() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Integer> a = group.fork(ctx -> 1);
    Future<Integer> b = group.fork(ctx -> 2);
    group.join();
    assertEquals(1, a.get());
    assertEquals(2, b.get());
    assertTrue(group.context().isDone(), "S40: context() is cancelled when join() returns");
    assertInstanceOf(ContextCancelledException.class, group.context().err());
    assertSame(group.context().err(), group.context().cause());
  }

  @Test
  void s40_join_ofEmptyGroup_returnsAndCancels() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    group.join();
    assertTrue(group.context().isDone());
  }

  @Test
  void s40_join_calledTwice_reportsTheSameFailureAgain() {
    IllegalStateException boom = new IllegalStateException("boom");
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          throw boom;
        });
    assertSame(boom, assertThrows(ExecutionException.class, group::join).getCause());
    assertSame(boom, assertThrows(ExecutionException.class, group::join).getCause());
  }

  @Test
  void s40_join_interrupted_cancelsGroupAndStillWaitsForEveryTask() throws Exception {
    CountDownLatch taskStarted = new CountDownLatch(1);
    CountDownLatch taskSawDone = new CountDownLatch(1);
    Semaphore cleanupMayEnd = new Semaphore(0);
    AtomicBoolean taskFinished = new AtomicBoolean();
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          taskStarted.countDown();
          try {
            ctx.await();
          } catch (InterruptedException e) {
            // the group interrupts its own threads; the cleanup below still runs
          }
          taskSawDone.countDown();
          cleanupMayEnd.acquireUninterruptibly(); // slow cleanup that ignores interrupts
          taskFinished.set(true);
          return null;
        });
    // The task must be running before the interrupt: a task whose thread starts after the group
    // was cancelled never runs its body (callInterruptibly refuses a done context).
    assertTrue(taskStarted.await(WAIT_SECONDS, TimeUnit.SECONDS));
    AtomicBoolean finishedWhenJoinThrew = new AtomicBoolean();
    CompletableFuture<Thread> joiner = new CompletableFuture<>();
    CompletableFuture<Object> join =
        async(
            () -> {
              joiner.complete(Thread.currentThread());
              try {
                group.join();
              } catch (InterruptedException e) {
                finishedWhenJoinThrew.set(taskFinished.get());
                throw e;
              }
              return null;
            });
    Thread joinThread = joiner.get(WAIT_SECONDS, TimeUnit.SECONDS);
    eventually(() -> isWaiting(joinThread), "join is waiting");
    joinThread.interrupt();
    assertTrue(taskSawDone.await(WAIT_SECONDS, TimeUnit.SECONDS), "the task saw the cancel");
    assertInstanceOf(InterruptedException.class, group.context().cause());
    assertFalse(join.isDone(), "join returned while its task was still cleaning up");
    cleanupMayEnd.release();
    assertInstanceOf(InterruptedException.class, outcome(join));
    assertTrue(finishedWhenJoinThrew.get(), "the task had ended before join threw");
  }

  @Test
  void s40_join_alreadyInterrupted_cancelsWaitsAndThrows() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean taskFinished = new AtomicBoolean();
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          started.countDown();
          try {
            ctx.await(); // ends by the cancel, or by the group's interrupt (whichever comes first)
          } finally {
            taskFinished.set(true);
          }
          return null;
        });
    started.await();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, group::join);
    assertFalse(Thread.currentThread().isInterrupted(), "the exception reports the interrupt");
    assertTrue(taskFinished.get(), "no task outlives the group");
    assertTrue(group.context().isDone());
  }

  // ---- close -------------------------------------------------------------------------------

  @Test
  void s40_close_withoutJoin_cancelsAndWaits() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          started.countDown();
          try {
            ctx.await();
          } finally {
            finished.set(true);
          }
          return null;
        });
    started.await();
    group.close();
    assertTrue(group.context().isDone());
    assertTrue(finished.get(), "close() returned before its task ended");
    assertEquals(0, group.activeTasks());
  }

  @Test
  void s40_close_swallowsFailuresAndKeepsInterruptStatus() {
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          throw new IllegalStateException("not reported by close");
        });
    Thread.currentThread().interrupt();
    group.close();
    assertTrue(Thread.interrupted(), "close() waits uninterruptibly and keeps the interrupt");
    assertTrue(group.context().isDone());
  }

  @Test
  void s40_tryWithResources_joinThenClose_reportsFailureOnce() {
    IllegalStateException boom = new IllegalStateException("boom");
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> {
              try (TaskGroup group = TaskGroup.open(Context.background())) {
                group.fork(
                    ctx -> {
                      throw boom;
                    });
                group.join();
              }
            });
    assertSame(boom, e.getCause());
    assertEquals(0, e.getSuppressed().length);
  }

  // ---- limit -------------------------------------------------------------------------------

  @Test
  void s40_limit_neverRunsMoreThanNAtOnce() throws Exception {
    int limit = 3;
    int tasks = 30;
    Semaphore gate = new Semaphore(0);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    TaskGroup group = TaskGroup.open(Context.background(), limit);
    CompletableFuture<Object> forker =
        async(
            () -> {
              for (int i = 0; i < tasks; i++) {
                group.fork(
                    ctx -> {
                      max.accumulateAndGet(running.incrementAndGet(), Math::max);
                      gate.acquire();
                      running.decrementAndGet();
                      return done.incrementAndGet();
                    });
              }
              return null;
            });
    eventually(() -> group.waitingForks() == 1 && running.get() == limit, "the fourth fork waits");
    assertEquals(limit, group.activeTasks());
    gate.release(tasks);
    forker.get(WAIT_SECONDS, TimeUnit.SECONDS);
    group.join();
    assertEquals(tasks, done.get());
    assertEquals(limit, max.get(), "more than " + limit + " tasks ran at once");
  }

  @Test
  void s40_forkAtLimit_waitsForASlotThenRuns() throws Exception {
    CountDownLatch firstMayEnd = new CountDownLatch(1);
    AtomicBoolean secondRan = new AtomicBoolean();
    TaskGroup group = TaskGroup.open(Context.background(), 1);
    group.fork(
        ctx -> {
          firstMayEnd.await();
          return 1;
        });
    CompletableFuture<Future<Integer>> secondFork =
        async(
            () ->
                group.fork(
                    ctx -> {
                      secondRan.set(true);
                      return 2;
                    }));
    eventually(() -> group.waitingForks() == 1, "the second fork waits for a slot");
    assertFalse(secondFork.isDone());
    assertFalse(secondRan.get());
    firstMayEnd.countDown();
    assertEquals(2, secondFork.get(WAIT_SECONDS, TimeUnit.SECONDS).get());
    group.join();
  }

  @Test
  void s40_forkAtLimit_groupEndsWhileWaiting_throwsContextException() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    RuntimeException why = new RuntimeException("parent gone");
    TaskGroup group = TaskGroup.open(parent, 1);
    group.fork(
        ctx -> {
          ctx.await();
          return null;
        });
    CompletableFuture<Future<Object>> waiting = async(() -> group.fork(ctx -> null));
    eventually(() -> group.waitingForks() == 1, "the second fork waits for a slot");
    parent.cancel(why);
    ContextCancelledException e =
        assertInstanceOf(ContextCancelledException.class, outcome(waiting));
    assertSame(why, e.getCause());
    group.close();
    assertEquals(0, group.waitingForks());
  }

  @Test
  void s40_forkAtLimit_firstFailureWhileWaiting_throwsWithThatCause() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch mayFail = new CountDownLatch(1);
    TaskGroup group = TaskGroup.open(Context.background(), 1);
    group.fork(
        ctx -> {
          mayFail.await();
          throw boom;
        });
    CompletableFuture<Future<Object>> waiting = async(() -> group.fork(ctx -> null));
    eventually(() -> group.waitingForks() == 1, "the second fork waits for a slot");
    mayFail.countDown();
    Throwable t = outcome(waiting);
    assertInstanceOf(ContextCancelledException.class, t);
    assertSame(boom, t.getCause());
    assertSame(boom, assertThrows(ExecutionException.class, group::join).getCause());
  }

  @Test
  void forkAtLimit_interruptedWhileWaiting_rejectsAndKeepsInterruptStatus() throws Exception {
    CountDownLatch firstMayEnd = new CountDownLatch(1);
    TaskGroup group = TaskGroup.open(Context.background(), 1);
    group.fork(
        ctx -> {
          firstMayEnd.await();
          return null;
        });
    CompletableFuture<Thread> forkThread = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    CompletableFuture<Future<Object>> waiting =
        async(
            () -> {
              forkThread.complete(Thread.currentThread());
              try {
                return group.fork(ctx -> null);
              } finally {
                interruptedAfter.complete(Thread.currentThread().isInterrupted());
              }
            });
    Thread t = forkThread.get(WAIT_SECONDS, TimeUnit.SECONDS);
    eventually(() -> group.waitingForks() == 1, "the second fork waits for a slot");
    t.interrupt();
    RejectedExecutionException e =
        assertInstanceOf(RejectedExecutionException.class, outcome(waiting));
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertTrue(interruptedAfter.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, group.activeTasks(), "the rejected fork took no slot");
    assertFalse(group.context().isDone(), "an interrupted fork does not end the group");
    firstMayEnd.countDown();
    group.join();
    assertEquals(0, group.activeTasks());
  }

  // ---- fork after done, parent ------------------------------------------------------------

  @Test
  void s40_forkAfterJoin_throwsIllegalState() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    group.join();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> group.fork(ctx -> null));
    assertFalse(e instanceof ContextException, "after join a fork is the caller's mistake");
  }

  @Test
  void s40_forkAfterClose_throwsIllegalState() {
    TaskGroup group = TaskGroup.open(Context.background(), 2);
    group.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> group.fork(ctx -> null));
    assertFalse(e instanceof ContextException, "after close a fork is the caller's mistake");
  }

  @Test
  void s40_forkAfterFailure_throwsTheContextsExceptionWithTheFailureAsCause() {
    TaskGroup group = TaskGroup.open(Context.background());
    IllegalStateException boom = new IllegalStateException("boom");
    group.fork(
        ctx -> {
          throw boom;
        });
    eventually(() -> group.context().isDone(), "the failure cancels the group");
    ContextCancelledException e =
        assertThrows(ContextCancelledException.class, () -> group.fork(ctx -> null));
    assertSame(boom, e.getCause());
    group.close();
  }

  @Test
  void s40_forkAfterParentCancelled_throwsTheContextsException() {
    CancellableContext parent = Context.background().withCancel();
    TaskGroup group = TaskGroup.open(parent);
    parent.cancel();
    assertThrows(ContextCancelledException.class, () -> group.fork(ctx -> null));
    group.close();
  }

  @Test
  void s40_forkAfterDeadline_throwsDeadlineExceeded() {
    CancellableContext parent = Context.background().withTimeout(Duration.ZERO);
    try (TaskGroup group = TaskGroup.open(parent)) {
      assertThrows(DeadlineExceededException.class, () -> group.fork(ctx -> null));
    }
  }

  @Test
  void s40_forkFromOwnTaskAfterClose_throwsTheContextsException() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Throwable> inner =
        group.fork(
            ctx -> {
              try {
                ctx.await(); // ends when close() cancels: close() has marked the group finished
              } catch (InterruptedException e) {
                // the cancel interrupts the group's tasks too, after ending their context
              }
              try {
                group.fork(c -> null);
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });
    group.close(); // waits for the task
    assertInstanceOf(ContextCancelledException.class, inner.get());
  }

  @Test
  void s40_parentCancel_cancelsGroupWithParentsCause() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    RuntimeException why = new RuntimeException("request aborted");
    TaskGroup group = TaskGroup.open(parent);
    parent.cancel(why);
    assertTrue(group.context().isDone(), "S5: synchronously, when cancel() returns");
    assertSame(why, group.context().cause());
    group.join(); // no task failed
  }

  @Test
  void s40_groupContext_isAChildOfParent_seesItsValuesAndDeadline() {
    Key<String> k = Key.named("k");
    CancellableContext parent =
        Context.background().withValue(k, "v").withTimeout(java.time.Duration.ofHours(1));
    try (TaskGroup group = TaskGroup.open(parent)) {
      assertEquals("v", group.context().value(k));
      assertEquals(parent.deadline(), group.context().deadline());
    } finally {
      parent.cancel();
    }
    assertFalse(Context.background().isDone());
  }

  @Test
  void s40_cancellingGroup_neverAffectsParent() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    TaskGroup group = TaskGroup.open(parent);
    group.fork(
        ctx -> {
          throw new IllegalStateException("boom");
        });
    assertThrows(ExecutionException.class, group::join);
    assertFalse(parent.isDone(), "S6: a group ending never cancels its parent");
    parent.cancel();
  }

  // ---- what a task sees --------------------------------------------------------------------

  @Test
  void s40_task_getsGroupContextAsArgumentAndAsCurrent() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Context> arg = group.fork(ctx -> ctx);
    Future<Context> current = group.fork(ctx -> Context.current());
    Future<Boolean> virtual = group.fork(ctx -> Thread.currentThread().isVirtual());
    group.join();
    assertSame(group.context(), arg.get());
    assertSame(group.context(), current.get());
    assertTrue(virtual.get(), "tasks run on virtual threads by default");
  }

  @Test
  void threadFactory_platformThreads_runTheTasks() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background(), 2, Thread.ofPlatform().factory());
    Future<Boolean> virtual = group.fork(ctx -> Thread.currentThread().isVirtual());
    Future<Context> current = group.fork(ctx -> Context.current());
    group.join();
    assertFalse(virtual.get());
    assertSame(group.context(), current.get());
  }

  @Test
  void threadFactory_returningNull_rejectsAndFreesTheSlot() {
    TaskGroup group = TaskGroup.open(Context.background(), 1, r -> null);
    assertThrows(RejectedExecutionException.class, () -> group.fork(ctx -> null));
    assertEquals(0, group.activeTasks());
    assertThrows(RejectedExecutionException.class, () -> group.fork(ctx -> null));
    group.close();
  }

  @Test
  void fork_fromInsideATask_joinWaitsForNestedTasksToo() throws Exception {
    AtomicBoolean nestedRan = new AtomicBoolean();
    CountDownLatch nestedMayEnd = new CountDownLatch(1);
    TaskGroup group = TaskGroup.open(Context.background());
    group.fork(
        ctx -> {
          group.fork(
              inner -> {
                nestedMayEnd.await();
                nestedRan.set(true);
                return null;
              });
          return null;
        });
    CompletableFuture<Object> join =
        async(
            () -> {
              group.join();
              return nestedRan.get();
            });
    eventually(() -> group.activeTasks() == 1, "only the nested task still runs");
    assertFalse(join.isDone());
    nestedMayEnd.countDown();
    assertEquals(true, join.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void forkedFuture_cancel_interruptsOnlyThatTask_andIsNoFailure() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Object> victim =
        group.fork(
            ctx -> {
              started.countDown();
              new CountDownLatch(1).await();
              return null;
            });
    started.await();
    assertTrue(victim.cancel(true));
    eventually(() -> group.activeTasks() == 0, "the cancelled task's thread ended");
    assertFalse(group.context().isDone(), "cancelling one future does not end the group");
    assertThrows(CancellationException.class, victim::get);
    group.join(); // not a failure
  }

  @Test
  void forkedFuture_cannotBeRunByTheCaller() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    Future<Integer> f = group.fork(ctx -> 1);
    group.join();
    assertThrows(UnsupportedOperationException.class, ((Runnable) f)::run);
    assertEquals(1, f.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void s40_taskStartingAfterGroupEnded_stillRuns_seeingItsContextDoneAndInterrupted()
      throws Exception {
    CountDownLatch threadMayStart = new CountDownLatch(1);
    TaskGroup group =
        TaskGroup.open(
            Context.background(),
            r ->
                Thread.ofVirtual()
                    .unstarted(
                        () -> {
                          try {
                            threadMayStart.await();
                          } catch (InterruptedException e) {
                            throw new AssertionError(e);
                          }
                          r.run();
                        }));
    Future<List<Boolean>> f =
        group.fork(ctx -> List.of(ctx.isDone(), Thread.currentThread().isInterrupted(), true));
    Future<Object> blocking =
        group.fork(
            ctx -> {
              new CountDownLatch(1)
                  .await(); // code that ignores its context: the interrupt stops it
              return null;
            });
    CompletableFuture<Object> close =
        async(
            () -> {
              group.close();
              return null;
            });
    eventually(() -> group.context().isDone(), "close cancelled the group");
    threadMayStart.countDown();
    close.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(
        List.of(true, true, true),
        f.get(),
        "the body ran, saw its context done and its thread interrupted, and its result counts");
    ContextCancelledException stopped =
        assertInstanceOf(
            ContextCancelledException.class,
            assertThrows(ExecutionException.class, blocking::get).getCause());
    assertInstanceOf(InterruptedException.class, stopped.getSuppressed()[0]);
  }

  @Test
  void toString_showsContextActiveTasksAndLimit() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background(), 4);
    assertEquals("TaskGroup[Context.background.withCancel, 0 active, limit 4]", group.toString());
    group.join();
    assertEquals(
        "TaskGroup[Context.background.withCancel, 0 active, unbounded]",
        TaskGroup.open(Context.background()).toString());
  }

  // ---- bad input ---------------------------------------------------------------------------

  @Test
  void b1_nullParent_throwsNpeNamingParent() {
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> TaskGroup.open(null)).getMessage());
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> TaskGroup.open(null, 3)).getMessage());
  }

  @Test
  void b1_nullTask_throwsNpeNamingTask_andTakesNoSlot() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background(), 1);
    assertEquals(
        "task", assertThrows(NullPointerException.class, () -> group.fork(null)).getMessage());
    assertEquals(0, group.activeTasks());
    assertNull(group.fork(ctx -> null).get());
    group.join();
  }

  @Test
  void b1_nullThreadFactory_throwsNpeNamingIt() {
    assertEquals(
        "threadFactory",
        assertThrows(
                NullPointerException.class, () -> TaskGroup.open(Context.background(), 2, null))
            .getMessage());
  }

  @Test
  void b4_limitBelowOne_throwsIllegalArgumentNamingTheValue() {
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> TaskGroup.open(Context.background(), bad));
      assertTrue(e.getMessage().contains("limit"), e.getMessage());
      assertTrue(e.getMessage().endsWith("was " + bad), e.getMessage());
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static boolean isWaiting(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }

  @Test
  void joinOrCloseFromTheGroupsOwnTask_throwsInsteadOfWaitingForItself() throws Exception {
    TaskGroup group = TaskGroup.open(Context.background());
    Future<String> joining =
        group.fork(
            ctx -> {
              IllegalStateException e = assertThrows(IllegalStateException.class, group::join);
              assertTrue(e.getMessage().contains("own tasks"), e.getMessage());
              assertThrows(IllegalStateException.class, group::close);
              return "refused";
            });
    assertEquals("refused", joining.get(10, TimeUnit.SECONDS));
    assertFalse(group.context().isDone(), "the refused calls cancelled nothing");

    Future<Boolean> nested = // a task may join a group of its own making
        group.fork(
            ctx -> {
              try (TaskGroup own = TaskGroup.open(ctx)) {
                own.fork(c -> "child");
                own.join();
              }
              return true;
            });
    assertTrue(nested.get(10, TimeUnit.SECONDS));
    group.join(); // from its creator: fine
    assertTrue(group.context().isDone());
  }
}
