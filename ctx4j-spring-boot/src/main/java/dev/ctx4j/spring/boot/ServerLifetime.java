package dev.ctx4j.spring.boot;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.http.ServerStoppedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.SmartLifecycle;

/**
 * The parent of every request context: cancelled with a {@link ServerStoppedException} when the
 * application stops, after Spring Boot's graceful shutdown let requests finish and before the web
 * server closes its connections, so requests still in flight end with "server stopping" rather than
 * a spurious client disconnect. The stop then waits, at most Spring's {@code
 * spring.lifecycle.timeout-per-shutdown-phase}, for the requests in flight to be answered (a 503
 * problem response) before the server may close their connections.
 */
final class ServerLifetime implements SmartLifecycle {
  /**
   * Between Boot's graceful-shutdown phase ({@code DEFAULT_PHASE - 1024}) and its web server's
   * start/stop phase ({@code DEFAULT_PHASE - 2048}); higher phases stop first.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

  private final CancellableContext lifetime = Context.background().withCancel();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<Runnable> whenAnswered = new AtomicReference<>();
  private volatile boolean running;

  Context context() {
    return lifetime;
  }

  /** A request arrived (its first dispatch). */
  void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** A request was answered (its last dispatch returned, or its asynchronous work completed). */
  void requestAnswered() {
    if (inFlight.decrementAndGet() == 0) {
      allAnswered();
    }
  }

  /** Requests started and not yet answered. */
  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    stop(() -> {});
  }

  @Override
  public void stop(Runnable callback) {
    running = false;
    whenAnswered.set(callback);
    lifetime.cancel(new ServerStoppedException("server stopped while the request was in flight"));
    if (inFlight.get() == 0) {
      allAnswered();
    }
  }

  private void allAnswered() {
    Runnable callback = whenAnswered.getAndSet(null);
    if (callback != null) {
      callback.run();
    }
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
