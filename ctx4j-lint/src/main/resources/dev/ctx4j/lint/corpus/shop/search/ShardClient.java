package shop.search;

import dev.ctx4j.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** One search shard over HTTP. */
public final class ShardClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI shard;

  public ShardClient(URI shard) {
    this.shard = shard;
  }

  public List<Hit> query(Context ctx, String q, int limit) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(shard.resolve("/q?limit=" + limit + "&q=" + q)).GET().build();
    HttpResponse<String> r =
        ctx.callInterruptibly(() -> http.send(req, HttpResponse.BodyHandlers.ofString()));
    List<Hit> hits = new ArrayList<>();
    for (String line : r.body().split("\n", -1)) {
      ctx.throwIfDone();
      int tab = line.indexOf('\t');
      if (tab > 0) {
        hits.add(new Hit(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1))));
      }
    }
    return hits;
  }
}
