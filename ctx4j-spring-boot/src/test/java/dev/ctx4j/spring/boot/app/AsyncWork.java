package dev.ctx4j.spring.boot.app;

import dev.ctx4j.Context;
import java.util.concurrent.CompletableFuture;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/**
 * @Async work, run by Boot's task executor.
 */
@Service
public class AsyncWork {
  /** Describes the context this task runs under, on the executor's thread. */
  @Async
  public CompletableFuture<String> describeCurrent() {
    return CompletableFuture.completedFuture(
        "thread="
            + Thread.currentThread().getName()
            + " "
            + SleepController.describe(Context.current()));
  }
}
