package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs each task under the {@link Context#current()} of the thread that submitted it, so
 * {@code @Async} methods and work on Spring's executors stop with the request that started them. A
 * task submitted during a request ends with that request's context (as Go's {@code r.Context()});
 * work that must outlive the request submits under {@code Context.current().withoutCancel()}.
 */
final class ContextTaskDecorator implements TaskDecorator {
  @Override
  public Runnable decorate(Runnable runnable) {
    Context ctx = Context.current();
    if (ctx == Context.background()) {
      return runnable;
    }
    return () -> ctx.run(runnable);
  }
}
