package shop.search;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;

/** Asks every shard in parallel and merges the best hits. */
public final class SearchService {
  private final List<ShardClient> shards;
  private final HitCache cache;

  public SearchService(List<ShardClient> shards, HitCache cache) {
    this.shards = shards;
    this.cache = cache;
  }

  public List<Hit> search(Context request, String query, int limit) throws Exception {
    List<Hit> cached = cache.get(request, query);
    if (cached != null) {
      return cached;
    }
    List<Hit> all = new ArrayList<>();
    try (CancellableContext ctx = request.withTimeout(Duration.ofMillis(250));
        TaskGroup group = TaskGroup.open(ctx, shards.size())) {
      List<Future<List<Hit>>> parts = new ArrayList<>();
      for (ShardClient shard : shards) {
        parts.add(group.fork(c -> shard.query(c, query, limit)));
      }
      group.join();
      for (Future<List<Hit>> f : parts) {
        all.addAll(f.resultNow());
      }
    }
    all.sort(Comparator.comparingDouble(Hit::score).reversed());
    List<Hit> top = List.copyOf(all.subList(0, Math.min(limit, all.size())));
    cache.put(request, query, top);
    return top;
  }

  /** Best effort: a shard that is slow is skipped, the rest answer. */
  public List<Hit> searchPartial(Context request, String query, int limit) throws Exception {
    List<Hit> all = new ArrayList<>();
    for (ShardClient shard : shards) {
      CancellableContext perShard = request.withTimeout(Duration.ofMillis(80)); // expect: lost-cancel
      try {
        all.addAll(shard.query(perShard, query, limit));
      } catch (RuntimeException slow) {
        continue;
      }
      perShard.cancel();
    }
    return all;
  }

  /** Warms the cache from a fixed list at start-up. */
  public void warm(List<String> queries) throws Exception {
    for (String q : queries) {
      search(Context.background(), q, 10);
    }
  }
}
