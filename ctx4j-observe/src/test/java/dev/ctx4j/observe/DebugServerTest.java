package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The debug endpoint: loopback by default, token when exposed, bounded, values hidden. */
class DebugServerTest {
  private static final Key<String> PASSWORD = Key.named("password");
  private static final Key<String> TENANT = Key.named("tenant");
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void on() {
    ContextTree.enable();
    ContextTree.displayable(TENANT);
  }

  private HttpResponse<String> get(URI uri, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void start_default_bindsLoopbackAndServesEveryView() throws Exception {
    try (DebugServer server = DebugServer.start(0);
        CancellableContext c = Context.background().withCancel()) {
      var unused = c.withValue(PASSWORD, "s3cret-value").withValue(TENANT, "acme").withCancel();
      assertTrue(server.address().getAddress().isLoopbackAddress());
      for (String path : List.of("", "tree.json", "tree.txt", "chains.json")) {
        HttpResponse<String> r = get(server.uri().resolve(path), null);
        assertEquals(200, r.statusCode(), path);
        assertFalse(r.body().contains("s3cret-value"), path + " leaked an undeclared value");
      }
      String tree = get(server.uri().resolve("tree.txt"), null).body();
      assertTrue(tree.contains("withValue(password)"), tree);
      assertTrue(tree.contains("withValue(tenant)=acme"), tree);
      assertEquals(404, get(server.uri().resolve("nope"), null).statusCode());
    }
  }

  @Test
  void start_nonLoopbackWithoutToken_refused() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
    var e = assertThrows(IllegalArgumentException.class, () -> DebugServer.start(any, null));
    assertTrue(e.getMessage().contains("token"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DebugServer.start(any, "  "));
    var n = assertThrows(NullPointerException.class, () -> DebugServer.start(null, "t"));
    assertTrue(n.getMessage().contains("address"));
  }

  @Test
  void token_wrongOrMissing_401_rightOne_200() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
    try (DebugServer server = DebugServer.start(any, "open-sesame")) {
      URI base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
      assertEquals(401, get(base.resolve("tree.json"), null).statusCode());
      assertEquals(401, get(base.resolve("tree.json"), "open-sesam").statusCode());
      assertEquals(401, get(base.resolve("tree.json?token=wrong"), null).statusCode());
      assertEquals(200, get(base.resolve("tree.json"), "open-sesame").statusCode());
      assertEquals(200, get(base.resolve("?token=open-sesame"), null).statusCode());
    }
  }

  @Test
  void responses_millionLiveContexts_boundedSize() throws Exception {
    LeakDetector.Level level = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.OFF);
    ContextTree.allSites(false);
    CancellableContext root = Context.background().withCancel();
    try (DebugServer server = DebugServer.start(0)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 1_000_000; i++) {
        var unused = root.withCancel();
      }
      System.out.println("created in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      String summary = "";
      for (String path : List.of("", "tree.json")) {
        t0 = System.nanoTime();
        HttpResponse<String> r = get(server.uri().resolve(path), null);
        assertEquals(200, r.statusCode());
        int bytes = r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(bytes <= DebugServer.MAX_BODY_BYTES, path + ": " + bytes + " bytes");
        System.out.println(path + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        summary = r.body();
      }
      summary = summary.substring(0, summary.indexOf(",\"roots\""));
      assertTrue(summary.matches(".*\"live\":\\d{7},\"omitted\":\\d{6,}"), summary);
    } finally {
      Tracing.off(); // a million hops are not worth recording
      root.cancel();
      ContextTree.enable();
      LeakDetector.level(level);
    }
  }
}
