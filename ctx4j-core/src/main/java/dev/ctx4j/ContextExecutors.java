package dev.ctx4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Executors that carry {@link Context#current()} across threads: each task runs with the context
 * that was current on the thread that submitted it (captured at submission, also for periodic
 * tasks), through {@link Context#wrap(Runnable)}. When the task ends, normally or not, the pool
 * thread's own binding is back, so nothing leaks into the next task.
 *
 * <p>The wrappers only carry the binding: a task is neither skipped nor interrupted when its
 * context is done (check {@link Context#isDone()}, or use a {@link TaskGroup} for that). Shutdown,
 * termination and {@code close()} go to the wrapped executor.
 */
public final class ContextExecutors {
  private ContextExecutors() {}

  /**
   * An executor that runs each task on {@code executor} with the submitter's current context.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  public static Executor wrap(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return command -> executor.execute(carry(command));
  }

  /**
   * An executor service whose tasks (execute, submit, invokeAll, invokeAny) run on {@code executor}
   * with the submitter's current context.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  public static ExecutorService wrap(ExecutorService executor) {
    return new CarryingService<>(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * As {@link #wrap(ExecutorService)}, and scheduled tasks (also each run of a periodic one) run
   * with the context current when they were scheduled.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    return new CarryingScheduledService(Objects.requireNonNull(executor, "executor"));
  }

  private static Runnable carry(Runnable task) {
    return Context.current().wrap(task);
  }

  private static <T> Callable<T> carry(Callable<T> task) {
    return Context.current().wrap(task);
  }

  private static <T> List<Callable<T>> carryAll(Collection<? extends Callable<T>> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    Context ctx = Context.current();
    List<Callable<T>> carried = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      carried.add(ctx.wrap(task));
    }
    return carried;
  }

  private static class CarryingService<E extends ExecutorService> implements ExecutorService {
    final E delegate;

    CarryingService(E delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable command) {
      delegate.execute(carry(command));
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
      return delegate.submit(carry(task));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
      return delegate.submit(carry(task), result);
    }

    @Override
    public Future<?> submit(Runnable task) {
      return delegate.submit(carry(task));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
        throws InterruptedException {
      return delegate.invokeAll(carryAll(tasks));
    }

    @Override
    public <T> List<Future<T>> invokeAll(
        Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
        throws InterruptedException {
      return delegate.invokeAll(carryAll(tasks), timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
        throws InterruptedException, ExecutionException {
      return delegate.invokeAny(carryAll(tasks));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return delegate.invokeAny(carryAll(tasks), timeout, unit);
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public String toString() {
      return "ContextExecutors.wrap(" + delegate + ")";
    }
  }

  private static final class CarryingScheduledService
      extends CarryingService<ScheduledExecutorService> implements ScheduledExecutorService {
    CarryingScheduledService(ScheduledExecutorService delegate) {
      super(delegate);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return delegate.schedule(carry(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return delegate.schedule(carry(callable), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      return delegate.scheduleAtFixedRate(carry(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return delegate.scheduleWithFixedDelay(carry(command), initialDelay, delay, unit);
    }
  }
}
