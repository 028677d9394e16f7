package shop.jobs;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** Runs submitted jobs, each under its own five-minute budget. */
public final class JobRunner {
  private final ExecutorService executor;
  private final JobTracker tracker;

  public JobRunner(ExecutorService executor, JobTracker tracker) {
    this.executor = executor;
    this.tracker = tracker;
  }

  /** The tracker cancels the scope when the job finishes. */
  public void submit(Context parent, String name, Runnable job) {
    CancellableContext scope = parent.withTimeout(Duration.ofMinutes(5));
    tracker.whenFinished(name, scope::cancel);
    executor.execute(() -> scope.run(job));
  }

  /** The future's completion cancels it, on success or failure. */
  public CompletableFuture<Void> submitAsync(Context parent, Runnable job) {
    CancellableContext scope = parent.withTimeout(Duration.ofMinutes(5));
    return CompletableFuture.runAsync(() -> scope.run(job), executor)
        .whenComplete((ok, failed) -> scope.cancel());
  }

  /** Ownership moves to runBounded, which cancels in finally. */
  public void runNow(Context parent, Runnable job) {
    CancellableContext scope = parent.withTimeout(Duration.ofMinutes(1));
    runBounded(scope, job);
  }

  private static void runBounded(CancellableContext scope, Runnable job) {
    try {
      scope.run(job);
    } finally {
      scope.cancel();
    }
  }

  /** Forgets the budget when the job is skipped. */
  public boolean runIfDue(Context parent, Runnable job, boolean due) {
    CancellableContext scope = parent.withTimeout(Duration.ofMinutes(1)); // expect: lost-cancel
    if (!due) {
      return false;
    }
    runBounded(scope, job);
    return true;
  }
}
