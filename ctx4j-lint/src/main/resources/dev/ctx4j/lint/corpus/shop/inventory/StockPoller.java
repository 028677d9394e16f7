package shop.inventory;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Refreshes stock levels in the background between start() and stop(). */
public final class StockPoller {
  private final StockApi api;
  private final Map<String, Integer> levels = new ConcurrentHashMap<>();
  private CancellableContext polling; // expect: context-in-field
  private Thread worker;

  public StockPoller(StockApi api) {
    this.api = api;
  }

  public synchronized void start(Context parent) {
    polling = parent.withCancel(); // expect: lost-cancel
    worker = Thread.ofVirtual().name("stock-poller").start(() -> pollUntilDone(polling));
  }

  /** Drops the context without cancelling it: the worker polls on. */
  public synchronized void stop() {
    polling = null;
    worker = null;
  }

  public int level(String sku) {
    return levels.getOrDefault(sku, 0);
  }

  private void pollUntilDone(Context ctx) {
    while (!ctx.isDone()) {
      try {
        levels.putAll(api.levels(ctx));
        ctx.sleep(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        levels.clear();
      }
    }
  }
}
