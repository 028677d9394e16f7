package dev.ctx4j.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small HTTP endpoint on the JDK's {@code com.sun.net.httpserver} showing the live tree and the
 * recent chains: {@code /} (the HTML page), {@code /tree.json}, {@code /tree.txt}, {@code
 * /chains.json}.
 *
 * <p>Binds to 127.0.0.1 by default. A non-loopback address is refused unless a token is given;
 * with a token every request must carry it ({@code Authorization: Bearer <token>} or {@code
 * ?token=<token>}), else gets 401. Responses never exceed {@link #MAX_BODY_BYTES}, however many
 * contexts are live: the tree is cut to fewer nodes until it fits. Values of context keys appear
 * only for keys declared with {@link ContextTree#displayable}. Turns tracing on.
 */
public final class DebugServer implements AutoCloseable {
  /** The largest response body, in bytes. */
  public static final int MAX_BODY_BYTES = 2 << 20;

  static final int FIRST_TRY_NODES = 2_000;
  static final int MAX_HOPS_SERVED = 200;

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] token; // null: none required (loopback only)

  private DebugServer(HttpServer server, ExecutorService executor, byte[] token) {
    this.server = server;
    this.executor = executor;
    this.token = token;
  }

  /** Serves on 127.0.0.1:{@code port} (0 picks a free port), no token. */
  public static DebugServer start(int port) throws IOException {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null);
  }

  /**
   * Serves on {@code address}. {@code token} may be null only for a loopback address.
   *
   * @throws IllegalArgumentException if {@code address} is not loopback and {@code token} is null,
   *     or {@code token} is blank
   */
  public static DebugServer start(InetSocketAddress address, String token) throws IOException {
    Objects.requireNonNull(address, "address");
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    if (token == null && (address.getAddress() == null || !address.getAddress().isLoopbackAddress())) {
      throw new IllegalArgumentException(
          "address "
              + address
              + " is not loopback: the debug server shows live request data, so a non-loopback"
              + " bind needs a token");
    }
    ContextTree.enable();
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    DebugServer ds =
        new DebugServer(
            server, executor, token == null ? null : token.getBytes(StandardCharsets.UTF_8));
    server.createContext("/", ds::handle);
    server.start();
    return ds;
  }

  /** The bound address (with the actual port). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:4242/}. */
  public URI uri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorized(ex)) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
        send(ex, 401, "text/plain", "401 unauthorized: token required\n");
        return;
      }
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, "text/plain", "405 method not allowed\n");
        return;
      }
      switch (ex.getRequestURI().getPath()) {
        case "/", "/index.html" -> send(ex, 200, "text/html", fitting(Render::html));
        case "/tree.json" -> send(ex, 200, "application/json", fitting(Render::json));
        case "/tree.txt" -> send(ex, 200, "text/plain", fitting(Render::text));
        case "/chains.json" ->
            send(
                ex,
                200,
                "application/json",
                fitting(s -> Render.chainsJson(s.chains())));
        default -> send(ex, 404, "text/plain", "404 not found\n");
      }
    }
  }

  /** Renders a snapshot small enough to fit {@link #MAX_BODY_BYTES}. */
  static String fitting(Function<Snapshot, String> renderer) {
    int nodes = FIRST_TRY_NODES;
    int chains = Integer.MAX_VALUE;
    while (true) {
      Snapshot s = ContextTree.snapshot(nodes);
      s = new Snapshot(s.takenAt(), s.roots(), s.live(), s.omitted(), trim(s.chains(), chains));
      String body = renderer.apply(s);
      if (body.length() * 3L <= MAX_BODY_BYTES
          || body.getBytes(StandardCharsets.UTF_8).length <= MAX_BODY_BYTES) {
        return body;
      }
      if (nodes == 1 && chains == 0) {
        return body.substring(0, MAX_BODY_BYTES / 3); // cannot happen with bounded labels
      }
      nodes = Math.max(1, nodes / 2);
      chains = Math.min(chains, s.chains().size()) / 2;
    }
  }

  private static List<Chain> trim(List<Chain> chains, int max) {
    List<Chain> out = new ArrayList<>();
    for (Chain c : chains) {
      if (out.size() >= max) {
        break;
      }
      List<ContextTree.Hop> hops =
          c.hops().size() <= MAX_HOPS_SERVED ? c.hops() : c.hops().subList(0, MAX_HOPS_SERVED);
      out.add(
          new Chain(
              c.id(),
              c.origin(),
              c.thread(),
              c.site(),
              c.startedAt(),
              c.state(),
              c.cause(),
              c.descendants(),
              c.durationNanos(),
              hops));
    }
    return out;
  }

  private boolean authorized(HttpExchange ex) {
    if (token == null) {
      return true;
    }
    String given = null;
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      given = auth.substring("Bearer ".length()).trim();
    } else {
      String q = ex.getRequestURI().getRawQuery();
      if (q != null) {
        for (String part : q.split("&", -1)) {
          if (part.startsWith("token=")) {
            given =
                java.net.URLDecoder.decode(part.substring("token=".length()), StandardCharsets.UTF_8);
          }
        }
      }
    }
    return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
    ex.getResponseHeaders().add("Cache-Control", "no-store");
    ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
