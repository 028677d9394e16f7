package shop.notify;

import dev.ctx4j.Context;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Counters pushed once a minute by a timer of its own: its own root is right. */
public final class Metrics {
  private final Map<String, Long> counters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AuditSink sink;

  public Metrics(AuditSink sink) {
    this.sink = sink;
    timer.scheduleAtFixedRate(this::flush, 1, 1, TimeUnit.MINUTES);
  }

  public void count(String name) {
    counters.merge(name, 1L, Long::sum);
  }

  private void flush() {
    try (var ctx = Context.background().withTimeout(Duration.ofSeconds(10))) {
      counters.forEach((k, v) -> sink.write(ctx, k + "=" + v));
      counters.clear();
    }
  }
}
