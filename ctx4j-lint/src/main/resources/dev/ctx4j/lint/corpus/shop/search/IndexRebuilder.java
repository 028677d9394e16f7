package shop.search;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.time.Duration;
import java.util.List;

/** Rebuilds the index shard by shard, each shard under the rebuild's deadline. */
public final class IndexRebuilder {
  private static final Key<String> SHARD = Key.named("shard");
  private final List<ShardClient> shards;

  public IndexRebuilder(List<ShardClient> shards) {
    this.shards = shards;
  }

  public int rebuild(Context parent) throws Exception {
    int n = 0;
    try (CancellableContext ctx = parent.withTimeout(Duration.ofMinutes(30))) {
      Context c = ctx;
      for (int i = 0; i < shards.size(); i++) {
        c = c.withValue(SHARD, "shard-" + i); // expect: fat-context
        n += shards.get(i).query(c, "*", 1).size();
      }
    }
    return n;
  }

  public int verify(Context parent) throws Exception {
    int n = 0;
    for (int i = 0; i < shards.size(); i++) {
      Context c = parent.withValue(SHARD, "shard-" + i);
      n += shards.get(i).query(c, "*", 1).size();
    }
    return n;
  }

  public void scheduleNightly() {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (CancellableContext ctx =
                  Context.background().withTimeout(Duration.ofHours(1))) {
                rebuild(ctx);
              } catch (Exception e) {
                System.getLogger("index").log(System.Logger.Level.WARNING, "rebuild failed", e);
              }
            });
  }
}
