package dev.ctx4j.spring.boot;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.http.ServerStoppedException;
import org.springframework.context.SmartLifecycle;

/**
 * The parent of every request context: cancelled with a {@link ServerStoppedException} when the
 * application stops, after Spring Boot's graceful shutdown let requests finish and before the web
 * server closes its connections, so requests still in flight end with "server stopping" rather than
 * a spurious client disconnect.
 */
final class ServerLifetime implements SmartLifecycle {
  /**
   * Between Boot's graceful-shutdown phase ({@code DEFAULT_PHASE - 1024}) and its web server's
   * start/stop phase ({@code DEFAULT_PHASE - 2048}); higher phases stop first.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

  private final CancellableContext lifetime = Context.background().withCancel();
  private volatile boolean running;

  Context context() {
    return lifetime;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    lifetime.cancel(new ServerStoppedException("server stopped while the request was in flight"));
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
