package dev.ctx4j;

import dev.ctx4j.internal.HopKind;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code errgroup.WithContext}: forks tasks on their own threads under one context, cancels
 * the rest on the first failure, and waits for all of them.
 *
 * <p>Every task runs on a new thread (virtual by default; platform threads with a {@link
 * ThreadFactory} overload) with {@link #context()} bound as {@link Context#current()} and passed to
 * {@link ContextTask#call}. The group owns these threads, so when its context is done each running
 * task is also interrupted, as {@link Context#callInterruptibly} does; a task that then throws
 * reports a fresh {@link ContextException} (its own exception kept as suppressed). Every task that
 * {@link #fork} accepted runs its body, also when its thread starts after the group ended: it then
 * sees its context done and starts interrupted, exactly as if the cancel had reached it at its
 * first instruction, so whether user code runs never depends on when a thread gets scheduled.
 *
 * <ul>
 *   <li>The first task to throw cancels {@link #context()} with its exception as {@link
 *       Context#cause()}; {@link #join()} then throws an {@link ExecutionException} with that
 *       exception as its cause. A task stopped by the context's exception is a failure like any
 *       other. A task cancelled through its own {@link Future#cancel} is not a failure.
 *   <li>{@link #join()} waits for every task, then cancels {@link #context()} (also without a
 *       failure, as Go does). If the joining thread is interrupted, the group is cancelled (with
 *       the {@link InterruptedException} as cause), every task is still waited for, and then the
 *       {@link InterruptedException} is thrown: no task outlives the group.
 *   <li>{@link #close()} cancels and waits, uninterruptibly; it reports no failure. Use the group
 *       in try-with-resources and call {@link #join()} as the last statement of the block.
 *   <li>With a limit, at most that many tasks run at once; a {@link #fork} at the limit waits for a
 *       slot (and gives up with a fresh {@link ContextException} if the group ends while it waits).
 *   <li>A {@link #fork} after the group's context is done throws the context's own {@link
 *       ContextException} (cancelled, past its deadline, or failed: its cause is the first
 *       failure), as every other cancellation point does; after {@link #join()} or {@link #close()}
 *       it throws a plain {@link IllegalStateException}, a mistake in the caller.
 *   <li>A task that ignores both its context and interrupts delays {@link #join()} and {@link
 *       #close()} until it returns: the group cannot stop a thread, only ask it to stop.
 * </ul>
 *
 * <p>Thread-safe: tasks may fork more tasks into their own group. {@link #join()} and {@link
 * #close()} called from one of the group's own tasks would wait for that very task and never
 * return, so they throw {@link IllegalStateException} there instead.
 */
public final class TaskGroup implements AutoCloseable {
  private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("ctx4j-task-", 0).factory();

  /** The group whose task this thread runs (each task has a thread of its own), else null. */
  private static final ThreadLocal<TaskGroup> RUNNING = new ThreadLocal<>();

  private final CancellableContext ctx;
  private final Node view; // ctx read-only: what tasks and context() callers get (ADR 0081)
  private final int limit;
  private final ThreadFactory threadFactory;
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

  /*
   * The interrupters of the tasks running now. The group delivers its own interrupts (ADR 0143):
   * one afterDone callback, registered when the group opens, interrupts them in batches of
   * INTERRUPT_BATCH per callback thread, instead of one link on the context and one callback
   * thread per task. A task adds its interrupter before it checks whether the group is done, and
   * the callback runs after the group is done: every task is either seen by the callback or sees
   * the group done itself; the interrupter's compare-and-set lets only one of them interrupt.
   */
  private final Set<Interrupter> interrupters = ConcurrentHashMap.newKeySet();

  /**
   * Interrupts per callback thread. A thread blocked in {@code FileChannel} I/O can hold its
   * interrupter until the I/O ends (the interrupt closes the channel, which waits): that delays the
   * interrupts of its own batch only, and never a task's view of the done context.
   */
  static final int INTERRUPT_BATCH = 64;

  /*
   * Guards the counters only. Registering the slot waker (afterDone, lock-free) may happen under
   * it; it is never held while user code, cancel() or the thread factory runs.
   */
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition slotFree = lock.newCondition();
  private final Condition idle = lock.newCondition();
  /*
   * Accepted tasks whose threads have not finished. Raised under the lock only (the done-check and
   * the increment are one step); lowered under it in a bounded group, where a fork may wait for the
   * slot, and without it in an unbounded one, where only the last task to end takes the lock, to
   * wake join() and close() (ADR 0143: thousands of tasks ending at once would otherwise queue on
   * the lock one by one).
   */
  private final AtomicInteger active = new AtomicInteger();
  private int waitingForks; // guarded by lock: forks parked at the limit
  private boolean wakerRegistered; // guarded by lock: afterDone wakes waiting forks on done
  private volatile boolean finished; // join() or close() was called: a fork now is a mistake

  private TaskGroup(Context parent, int limit, ThreadFactory threadFactory) {
    this.ctx = parent.withCancel();
    this.view = new ViewNode((CancelNode) ctx);
    this.limit = limit;
    this.threadFactory = threadFactory;
  }

  /** A group with unbounded concurrency whose tasks run on virtual threads. */
  public static TaskGroup open(Context parent) {
    return open(parent, Integer.MAX_VALUE, VIRTUAL);
  }

  /**
   * A group whose tasks run on virtual threads, at most {@code limit} at once.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public static TaskGroup open(Context parent, int limit) {
    return open(parent, limit, VIRTUAL);
  }

  /** A group with unbounded concurrency whose tasks run on threads from {@code threadFactory}. */
  public static TaskGroup open(Context parent, ThreadFactory threadFactory) {
    return open(parent, Integer.MAX_VALUE, threadFactory);
  }

  /**
   * A group whose tasks run on threads from {@code threadFactory} (one new thread per task), at
   * most {@code limit} at once.
   *
   * @throws NullPointerException if {@code parent} or {@code threadFactory} is null
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public static TaskGroup open(Context parent, int limit, ThreadFactory threadFactory) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(threadFactory, "threadFactory");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    TaskGroup group = new TaskGroup(parent, limit, threadFactory);
    var unused = group.ctx.afterDone(group::interruptAll); // on a callback thread (ADR 0005)
    return group;
  }

  /**
   * The group's context, a child of the parent: done on the first failure, on {@link #close()},
   * when {@link #join()} returns, or with the parent. Read-only: only the group ends it.
   */
  public Context context() {
    return view;
  }

  /**
   * Starts {@code task} on a new thread. At the limit, waits for a running task to end first.
   *
   * @return the task's result; the future's {@code cancel(true)} interrupts that task alone
   * @throws NullPointerException if {@code task} is null
   * @throws ContextException (fresh, the context's own) if the group's context is done — cancelled,
   *     past its deadline or failed — or becomes done while this waits for a slot; like every
   *     {@link ContextException} it is an {@link IllegalStateException}
   * @throws IllegalStateException if {@link #join()} or {@link #close()} was called
   * @throws RejectedExecutionException if interrupted while waiting for a slot (the interrupt
   *     status is kept), or if the thread factory gives no thread
   */
  public <T> Future<T> fork(ContextTask<T> task) {
    Objects.requireNonNull(task, "task");
    if (Sweeps.on) {
      Sweeps.point(view, "fork");
    }
    Task<T> forked = Task.of(this, task);
    acquireSlot();
    try {
      Thread thread = threadFactory.newThread(forked::runOnGroupThread);
      if (thread == null) {
        throw new RejectedExecutionException("the thread factory returned no thread");
      }
      thread.start();
    } catch (RuntimeException | Error e) {
      forked.failToStart(e);
      taskEnded();
      throw e;
    }
    return forked;
  }

  /**
   * Waits for every task, cancels {@link #context()}, and reports the first failure.
   *
   * @throws ExecutionException whose cause is the first exception a task threw
   * @throws InterruptedException if this thread is interrupted (checked first); the group is then
   *     cancelled and every task has ended before this is thrown
   * @throws IllegalStateException if called from one of this group's own tasks
   */
  @SuppressWarnings("InterruptedInCatchBlock") // clearing is intended: the exception reports it
  public void join() throws ExecutionException, InterruptedException {
    refuseFromOwnTask("join()");
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      awaitIdle();
    } catch (InterruptedException e) {
      finished = true;
      ctx.cancel(e);
      awaitIdleUninterruptibly();
      Thread.interrupted(); // a later interrupt is reported by this same exception
      throw e;
    }
    finished = true;
    ctx.cancel();
    awaitIdleUninterruptibly(); // forks that slipped in before the cancel above
    Throwable failure = firstFailure.get();
    if (failure != null) {
      throw new ExecutionException(failure);
    }
  }

  /**
   * Cancels {@link #context()} and waits for every task to end. Failures are not reported (use
   * {@link #join()}). Waits even if this thread is interrupted, and keeps the interrupt status.
   * After {@link #join()} this does nothing.
   *
   * @throws IllegalStateException if called from one of this group's own tasks
   */
  @Override
  public void close() {
    refuseFromOwnTask("close()");
    finished = true;
    ctx.cancel();
    awaitIdleUninterruptibly();
  }

  private void refuseFromOwnTask(String what) {
    if (RUNNING.get() == this) {
      throw new IllegalStateException(
          what
              + " from one of the group's own tasks would wait for that task itself; join or close"
              + " the group from the thread that created it");
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      String bound = limit == Integer.MAX_VALUE ? "unbounded" : "limit " + limit;
      return "TaskGroup[" + ctx + ", " + active.get() + " active, " + bound + "]";
    } finally {
      lock.unlock();
    }
  }

  // ---- accounting --------------------------------------------------------------------------

  private void acquireSlot() {
    lock.lock();
    try {
      while (true) {
        if (view.ended()) {
          if (finished && RUNNING.get() != this) { // the group's own tasks see the context's
            throw new IllegalStateException("fork() on a task group that was joined or closed");
          }
          view.throwIfEnded(); // cancelled, past its deadline or failed: the context's exception
        }
        if (active.get() < limit) {
          break;
        }
        if (!wakerRegistered) {
          wakerRegistered = true;
          var unused = ctx.afterDone(this::wakeWaitingForks); // fires on its own thread
        }
        waitingForks++;
        try {
          slotFree.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RejectedExecutionException("interrupted while waiting for a free slot", e);
        } finally {
          waitingForks--;
        }
      }
      active.incrementAndGet();
    } finally {
      lock.unlock();
    }
  }

  private void wakeWaitingForks() {
    lock.lock();
    try {
      slotFree.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void taskEnded() {
    if (limit == Integer.MAX_VALUE) {
      // No fork ever waits for a slot. A waiter of idle checks the count under the lock and
      // releases it only by waiting; taking the lock after the decrement reaches it either way.
      if (active.decrementAndGet() == 0) {
        lock.lock();
        try {
          idle.signalAll();
        } finally {
          lock.unlock();
        }
      }
      return;
    }
    lock.lock();
    try {
      int left = active.decrementAndGet();
      if (waitingForks > 0) {
        slotFree.signal();
      }
      if (left == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (active.get() > 0) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits for every task whatever happens; a new interrupt stays pending for the caller. */
  private void awaitIdleUninterruptibly() {
    lock.lock();
    try {
      while (active.get() > 0) {
        idle.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- interrupts (ADR 0143) ------------------------------------------------------------------

  /**
   * Runs {@code body} on this task thread with {@link #context()} bound, interrupted when the group
   * is done, as {@code callInterruptibly} does (S31), and also when the group is already done (the
   * interrupt then lands before the first instruction: S40, ADR 0085). No interrupt of the group
   * survives the call; one that stopped the body turns its exception into a fresh {@link
   * ContextException} with the original suppressed.
   */
  private <T> T interruptibly(Callable<T> body) throws Exception {
    Interrupter interrupter = new Interrupter(Thread.currentThread());
    interrupters.add(interrupter);
    if (view.ended()) { // not a cancellation point of the user's (ADR 0124)
      interrupter.interrupt((CancelNode) ctx); // here, now; the group's callback may find it fired
    }
    try {
      return CurrentContext.call(view.bindable(), body);
    } catch (Exception | Error e) {
      if (interrupter.fired()) {
        ContextException ce = view.doneState().fresh();
        ce.addSuppressed(e);
        throw ce;
      }
      throw e;
    } finally {
      interrupter.finish(); // finished first: a late interrupt from the callback is then refused
      interrupters.remove(interrupter);
    }
  }

  /** The group's afterDone callback: interrupts every running task, in batches (ADR 0143). */
  private void interruptAll() {
    CancelNode owner = (CancelNode) ctx;
    Interrupter[] batch = new Interrupter[INTERRUPT_BATCH];
    int n = 0;
    for (Interrupter i : interrupters) {
      batch[n++] = i;
      if (n == INTERRUPT_BATCH) {
        Interrupter[] full = batch;
        Callbacks.dispatch(Callbacks.executor(), () -> interrupt(full, owner));
        batch = new Interrupter[INTERRUPT_BATCH];
        n = 0;
      }
    }
    interrupt(batch, owner); // the last batch, on this callback thread
  }

  private static void interrupt(Interrupter[] batch, CancelNode owner) {
    for (Interrupter i : batch) {
      if (i == null) {
        return;
      }
      i.interrupt(owner);
    }
  }

  /** Records {@code t} and cancels the group if it is the first failure. */
  private void failed(Throwable t) {
    if (firstFailure.compareAndSet(null, t)) {
      ctx.cancel(t);
      if (Tracing.on) { // tracing: the first failure stopping the other tasks is a hop
        TraceAccess.report((Node) ctx, HopKind.SIBLINGS_CANCELLED, TraceEvents.describe(t));
      }
    }
  }

  /** Test hook: tasks accepted whose threads have not finished. */
  int activeTasks() {
    lock.lock();
    try {
      return active.get();
    } finally {
      lock.unlock();
    }
  }

  /** Test hook: interrupters of tasks still running (dropped as each task ends). */
  int liveInterrupters() {
    return interrupters.size();
  }

  /** Test hook: forks waiting for a slot. */
  int waitingForks() {
    lock.lock();
    try {
      return waitingForks;
    } finally {
      lock.unlock();
    }
  }

  /** The future of one forked task; runs only on the thread the group started for it. */
  private static final class Task<T> extends FutureTask<T> {
    private final TaskGroup group;

    private Task(TaskGroup group, Body<T> body) {
      super(body);
      this.group = group;
    }

    static <T> Task<T> of(TaskGroup group, ContextTask<T> task) {
      Body<T> body = new Body<>(group, task);
      Task<T> t = new Task<>(group, body);
      body.owner = t;
      return t;
    }

    void runOnGroupThread() {
      RUNNING.set(group);
      try {
        super.run();
      } finally {
        RUNNING.remove();
        group.taskEnded();
      }
    }

    /** The group runs the task on its own thread; running it elsewhere would escape the group. */
    @Override
    public void run() {
      throw new UnsupportedOperationException("a forked task runs on its group's thread only");
    }

    void failToStart(Throwable t) {
      setException(t);
    }
  }

  /** What a task's thread does: the user's task under the group's context, interruptibly. */
  private static final class Body<T> implements Callable<T> {
    private final TaskGroup group;
    private final ContextTask<T> task;
    Task<T> owner; // set before the task is handed to a thread (Thread.start publishes it)

    Body(TaskGroup group, ContextTask<T> task) {
      this.group = group;
      this.task = task;
    }

    @Override
    public T call() throws Exception {
      Node ctx = group.view;
      try {
        // Runs even if the group ended before this thread started: it was accepted (S40).
        return group.interruptibly(() -> task.call(ctx));
      } catch (Throwable t) {
        Task<T> f = owner;
        if (f == null || !f.isCancelled()) {
          group.failed(t);
        }
        throw t;
      }
    }
  }
}
