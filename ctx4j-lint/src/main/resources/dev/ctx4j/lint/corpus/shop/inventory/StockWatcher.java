package shop.inventory;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A scope: the context it holds lives exactly as long as the watcher, and close() ends it. */
public final class StockWatcher implements AutoCloseable {
  private final CancellableContext scope;
  private final AtomicInteger alerts = new AtomicInteger();
  private final Thread worker;

  public StockWatcher(Context parent, StockApi api, String sku, int threshold) {
    this.scope = parent.withCancel();
    this.worker =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!scope.isDone()) {
                    try {
                      if (api.levels(scope).getOrDefault(sku, 0) < threshold) {
                        alerts.incrementAndGet();
                      }
                      scope.sleep(Duration.ofMinutes(1));
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
  }

  public int alerts() {
    return alerts.get();
  }

  @Override
  public void close() {
    scope.cancel();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
