package shop.search;

import dev.ctx4j.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A cache in front of the shards; entries are written behind, on a pool. */
public final class HitCache {
  private final Map<String, List<Hit>> hits = new ConcurrentHashMap<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();

  public List<Hit> get(Context ctx, String query) {
    return ctx.isDone() ? null : hits.get(query);
  }

  public void put(Context ctx, String query, List<Hit> top) throws Exception {
    Future<?> written = writer.submit(() -> hits.put(query, top));
    written.get(); // expect: blocking-without-context
  }

  public void evict(Context ctx, String query) throws Exception {
    Future<?> done = writer.submit(() -> hits.remove(query));
    ctx.get(done);
  }
}
