package shop.jobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Calls a job's finisher once the job reports done. */
public final class JobTracker {
  private final Map<String, Runnable> finishers = new ConcurrentHashMap<>();

  public void whenFinished(String job, Runnable finisher) {
    finishers.put(job, finisher);
  }

  public void finished(String job) {
    Runnable r = finishers.remove(job);
    if (r != null) {
      r.run();
    }
  }
}
