package dev.ctx4j.grpc;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler handed to {@code io.grpc.Context.withDeadline} by {@link ToGrpc}: it accepts the
 * deadline's task and never runs it. The ctx4j context the grpc context mirrors has the same
 * deadline on ctx4j's shared timer and cancels the grpc context when it passes, so a second timer
 * (and a scheduler thread) would only duplicate that. Everything else is refused.
 */
final class NoTimer extends AbstractExecutorService implements ScheduledExecutorService {
  static final NoTimer INSTANCE = new NoTimer();

  private NoTimer() {}

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return new Unarmed(unit.toNanos(delay));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw refused();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw refused();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw refused();
  }

  @Override
  public void execute(Runnable command) {
    throw refused();
  }

  @Override
  public void shutdown() {
    throw refused();
  }

  @Override
  public List<Runnable> shutdownNow() {
    throw refused();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    throw refused();
  }

  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("ctx4j's deadline-only scheduler runs no tasks");
  }

  /** A scheduled task that never runs; cancelling it only marks it cancelled. */
  private static final class Unarmed implements ScheduledFuture<Object> {
    private final long start = System.nanoTime();
    private final long delayNanos;
    private volatile boolean cancelled;

    Unarmed(long delayNanos) {
      this.delayNanos = delayNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean first = !cancelled;
      cancelled = true;
      return first;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled;
    }

    @Override
    public Object get() {
      throw refused();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw refused();
    }
  }
}
