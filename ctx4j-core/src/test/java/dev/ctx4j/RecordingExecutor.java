package dev.ctx4j;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/** An executor that runs nothing: it keeps each task so a test can count and run them itself. */
final class RecordingExecutor implements Executor {
  final List<Runnable> tasks = new CopyOnWriteArrayList<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  /** Runs every task received so far, on this thread, and forgets them. */
  void runAll() {
    for (Runnable r : tasks) {
      tasks.remove(r);
      r.run();
    }
  }
}
