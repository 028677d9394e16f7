package dev.ctx4j.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.ContextTask;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.TaskGroup;
import dev.ctx4j.http.ContextHttpClient;
import dev.ctx4j.http.ContextStatus;
import dev.ctx4j.http.RequestContextHandler;
import dev.ctx4j.jdbc.ContextDataSource;
import dev.ctx4j.observe.ContextTree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The demo's three services on loopback: gateway → orders → inventory. Each runs on its own Jetty
 * server with {@link RequestContextHandler}; calls between them go through {@link
 * ContextHttpClient}, which sends the remaining budget; inventory queries a database through {@link
 * ContextDataSource}. Every service's contexts hang from a root that binds {@link
 * ContextTree#SERVICE} to its name, so each chain is drawn in that service's lane.
 */
final class DemoServices implements DemoBackend {
  static final String GATEWAY = "gateway";
  static final String ORDERS = "orders";
  static final String INVENTORY = "inventory";
  private static final int POOL_SIZE = 8;
  private static final Duration HOP_MARGIN = Duration.ofMillis(250);

  /** What a piece of work did, when: the demo prints these next to the propagation chains. */
  record Event(Instant at, String service, String what) {}

  private final HikariDataSource pool; // null unless inventory runs here
  private final ContextDataSource db;
  private final String slowQuery;
  private final String archiveQuery;
  private final boolean onPostgres;
  private final ContextHttpClient http;
  private final Server inventory; // each null unless that service runs in this process
  private final Server orders;
  private final Server gateway;
  private volatile URI inventoryUri; // where orders calls inventory
  private volatile URI ordersUri; // where the gateway calls orders
  private final DemoEvents events = new DemoEvents();
  private final Consumer<Event> listener;
  private volatile CountDownLatch queryStarted = new CountDownLatch(1);
  private long lastChainId; // in-process chains: the newest id before the current scenario

  /** All three services in this process. */
  DemoServices(String jdbcUrl) throws Exception {
    this(Set.of(GATEWAY, ORDERS, INVENTORY), jdbcUrl, e -> {});
  }

  /**
   * The services of {@code roles} in this process (for {@code demo --processes}, one each); the
   * others are reached at the addresses given to {@link #peers}. {@code listener} hears every event
   * as it is recorded.
   */
  DemoServices(Set<String> roles, String jdbcUrl, Consumer<Event> listener) throws Exception {
    this.listener = listener;
    if (roles.contains(INVENTORY)) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setMaximumPoolSize(POOL_SIZE);
      config.setMinimumIdle(POOL_SIZE);
      config.setPoolName("demo-inventory");
      pool = new HikariDataSource(config);
      warmUp(pool);
      db = ContextDataSource.wrap(pool);
      boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
      onPostgres = postgres;
      slowQuery =
          postgres
              ? "SELECT CAST(? AS VARCHAR) AS sku, pg_sleep(30)"
              : "SELECT CAST(? AS VARCHAR), SUM(DEMO_PAUSE(200)) FROM SYSTEM_RANGE(1, 1000000)";
      archiveQuery =
          postgres
              ? "SELECT CAST(? AS VARCHAR) AS sku, pg_sleep(0.3)"
              : "SELECT CAST(? AS VARCHAR), SUM(DEMO_PAUSE(300)) FROM SYSTEM_RANGE(1, 1000)";
      createSchema(postgres);
    } else {
      pool = null;
      db = null;
      slowQuery = null;
      archiveQuery = null;
      onPostgres = false;
    }
    // Each hop keeps 250 ms of the budget for itself: the callee's deadline fires first, so the
    // work deepest down (the database query) is the one the deadline stops.
    http =
        ContextHttpClient.builder(
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
            .margin(HOP_MARGIN)
            .build();
    inventory = roles.contains(INVENTORY) ? start(INVENTORY, this::inventory) : null;
    inventoryUri = inventory == null ? null : uri(inventory);
    orders = roles.contains(ORDERS) ? start(ORDERS, this::orders) : null;
    ordersUri = orders == null ? null : uri(orders);
    gateway = roles.contains(GATEWAY) ? start(GATEWAY, this::gateway) : null;
  }

  /** Where the services that run elsewhere listen (null: unchanged). */
  void peers(URI inventoryAt, URI ordersAt) {
    if (inventoryAt != null) {
      inventoryUri = inventoryAt;
    }
    if (ordersAt != null) {
      ordersUri = ordersAt;
    }
  }

  /** The address of the one service of this process (the first of gateway, orders, inventory). */
  URI localUri() {
    return uri(gateway != null ? gateway : orders != null ? orders : inventory);
  }

  @Override
  public URI gatewayUri() {
    return uri(gateway);
  }

  /** The events recorded at or after {@code since}, in order. */
  @Override
  public List<Event> eventsSince(Instant since) {
    return events.since(since);
  }

  /** A latch counted down when inventory starts its next query. */
  @Override
  public CountDownLatch armQueryStarted() {
    CountDownLatch latch = new CountDownLatch(1);
    queryStarted = latch;
    return latch;
  }

  /** Stops the orders service with requests in flight: its lifetime context is cancelled first. */
  @Override
  public void stopOrders() throws Exception {
    orders.stop();
  }

  @Override
  public void begin() {
    lastChainId = latestChainId();
  }

  /** The chains begun since the last scenario ended (in-process: by chain id). */
  @Override
  public List<ContextTree.Chain> chainsSince(Instant scenarioStart) {
    List<ContextTree.Chain> fresh = new ArrayList<>();
    for (ContextTree.Chain c : ContextTree.chains()) {
      if (c.id() > lastChainId) {
        fresh.add(c);
      }
    }
    fresh.sort(Comparator.comparing(ContextTree.Chain::startedAt));
    return fresh;
  }

  @Override
  public void scenarioDone() {
    lastChainId = latestChainId();
  }

  @Override
  public ContextTree.Snapshot picture() {
    return ContextTree.snapshot();
  }

  /** The newest chain id so far, routine ends included. */
  private static long latestChainId() {
    long max = 0;
    for (ContextTree.Chain c : ContextTree.chains(true)) {
      max = Math.max(max, c.id());
    }
    return max;
  }

  /**
   * Opens every pooled connection up front: an embedded H2 may make a new connection wait while a
   * heavy query runs, and a scenario must never stall on the pool instead of on its context.
   */
  private static void warmUp(DataSource pool) throws SQLException {
    List<Connection> held = new ArrayList<>();
    try {
      for (int i = 0; i < POOL_SIZE; i++) {
        held.add(pool.getConnection());
      }
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
  }

  private void createSchema(boolean postgres) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      if (!postgres) {
        s.execute(
            "CREATE ALIAS IF NOT EXISTS DEMO_PAUSE FOR \""
                + DemoDatabaseFunctions.class.getName()
                + ".pause\"");
      }
      s.execute("DROP TABLE IF EXISTS demo_stock");
      s.execute("CREATE TABLE demo_stock (sku VARCHAR(32) PRIMARY KEY, qty INT NOT NULL)");
      s.execute("INSERT INTO demo_stock VALUES ('apple', 12), ('pear', 3), ('plum', 40)");
    }
  }

  private Server start(String service, Request.Handler handler) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName(service);
    threads.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        RequestContextHandler.builder()
            .parent(Context.background().withValue(ContextTree.SERVICE, service))
            .build(handler));
    server.start();
    return server;
  }

  private static URI uri(Server server) {
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    return URI.create("http://127.0.0.1:" + port);
  }

  // ---- the three services ------------------------------------------------------------------

  /**
   * {@code GET /stock?sku=S&work=fast|slow}: looks the SKU up (404 if unknown), then, for {@code
   * slow}, runs a heavy availability query. Both stop when the request's context ends.
   */
  private boolean inventory(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    String sku = query.getValue("sku");
    boolean slow = "slow".equals(query.getValue("work"));
    try (Connection c = db.getConnection()) {
      String qty = queryOne(c, "SELECT qty FROM demo_stock WHERE sku = ?", sku);
      if (qty == null) {
        if (slow) {
          // The archive is searched before the SKU is declared unknown: in the fan-out, the
          // other lookups' heavy queries are running by the time this one fails.
          queryOne(c, archiveQuery, sku);
        }
        event("inventory", "unknown sku " + sku);
        return reply(response, callback, 404, "unknown sku " + sku);
      }
      if (slow) {
        Runnable running =
            () -> {
              event("inventory", "heavy query for " + sku + " started");
              queryStarted.countDown();
            };
        if (onPostgres) {
          running.run();
        } else {
          // told from inside the query (its first row), so a scenario never acts on a query
          // that has not begun: a context ended before it stops nothing
          DemoDatabaseFunctions.RUNNING.set(running);
        }
        try {
          queryOne(c, slowQuery, sku);
        } finally {
          DemoDatabaseFunctions.RUNNING.remove();
        }
      }
      event("inventory", "answered " + sku + "=" + qty);
      return reply(response, callback, 200, sku + "=" + qty);
    } catch (ContextException e) {
      event("inventory", "query for " + sku + " stopped: " + describe(e));
      return reply(response, callback, status(e), describe(e));
    } catch (SQLException e) {
      event("inventory", "query failed: " + e.getMessage());
      return reply(response, callback, 500, String.valueOf(e.getMessage()));
    }
  }

  private static String queryOne(Connection c, String sql, String sku) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, sku);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * {@code GET /order?sku=S&work=W} asks inventory once; {@code GET /order?skus=a,b,c&work=W} fans
   * out one lookup per SKU in a {@link TaskGroup}: the first failure cancels the siblings.
   */
  private boolean orders(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request);
    String work = query.getValue("work");
    String skus = query.getValue("skus");
    try {
      if (skus == null) {
        return reply(
            response, callback, 200, call(inventoryUri, "/stock", query.getValue("sku"), work));
      }
      try (TaskGroup group = TaskGroup.open(Context.current())) {
        List<Future<String>> lookups = new ArrayList<>();
        for (String sku : skus.split(",", -1)) {
          lookups.add(group.fork(lookup(sku, work)));
        }
        group.join();
        StringBuilder all = new StringBuilder();
        for (Future<String> f : lookups) {
          all.append(f.resultNow()).append('\n');
        }
        return reply(response, callback, 200, all.toString());
      }
    } catch (ExecutionException e) {
      event("orders", "fan-out failed, siblings cancelled: " + e.getCause().getMessage());
      return reply(response, callback, 502, e.getCause().getMessage());
    } catch (ContextException e) {
      event("orders", "stopped: " + describe(e));
      return reply(response, callback, status(e), describe(e));
    } catch (IOException e) {
      event("orders", "inventory failed: " + e.getMessage());
      return reply(response, callback, 502, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reply(response, callback, 503, "interrupted");
    }
  }

  private ContextTask<String> lookup(String sku, String work) {
    return ctx -> call(ctx, inventoryUri, "/stock", sku, work);
  }

  /** {@code GET /checkout?...}: forwards to orders with what is left of the budget. */
  private boolean gateway(Request request, Response response, Callback callback) {
    String target = "/order?" + request.getHttpURI().getQuery();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(ordersUri.resolve(target)).build(),
              HttpResponse.BodyHandlers.ofString());
      return reply(response, callback, r.statusCode(), r.body());
    } catch (ContextException e) {
      event("gateway", "stopped: " + describe(e));
      return reply(response, callback, status(e), describe(e));
    } catch (IOException e) {
      event("gateway", "orders failed: " + e);
      return reply(response, callback, 502, "orders failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reply(response, callback, 503, "interrupted");
    }
  }

  private String call(URI base, String path, String sku, String work)
      throws IOException, InterruptedException {
    return call(Context.current(), base, path, sku, work);
  }

  private String call(Context ctx, URI base, String path, String sku, String work)
      throws IOException, InterruptedException {
    URI target = base.resolve(path + "?sku=" + sku + "&work=" + (work == null ? "fast" : work));
    HttpResponse<String> r =
        http.send(
            ctx, HttpRequest.newBuilder(target).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(
          "inventory answered " + r.statusCode() + " for " + sku + ": " + r.body());
    }
    return r.body();
  }

  // ---- helpers -----------------------------------------------------------------------------

  private void event(String service, String what) {
    Event e = new Event(Instant.now(), service, what);
    events.add(e);
    listener.accept(e);
  }

  /**
   * Waits until an event of {@code service} containing {@code text} was recorded after {@code
   * since}, or {@code maxMillis} passed; returns it, or null.
   */
  @Override
  public Event awaitEvent(Instant since, String service, String text, long maxMillis)
      throws InterruptedException {
    return events.await(since, service, text, maxMillis);
  }

  static String describe(ContextException e) {
    Throwable cause = e.getCause();
    String kind = e instanceof DeadlineExceededException ? "deadline exceeded" : "cancelled";
    return cause == null
        ? kind
        : kind + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
  }

  /**
   * As ctx4j-http answers it: 504 for a deadline, 503 for a server stopping, 499 for a client gone.
   */
  private static int status(ContextException e) {
    return ContextStatus.of(e, e.getCause());
  }

  private static boolean reply(Response response, Callback callback, int status, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    Content.Sink.write(response, true, body, callback);
    return true;
  }

  @Override
  public void close() {
    try {
      for (Server s : Arrays.asList(gateway, orders, inventory)) {
        if (s != null && s.isRunning()) {
          s.stop();
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not stop the demo services", e);
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
