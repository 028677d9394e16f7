package dev.ctx4j.cli;

import dev.ctx4j.cli.DemoServices.Event;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.Render;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ctx4j demo}: three services on loopback (gateway → orders → inventory → database), driven
 * through five scenarios. For each, the propagation chains ctx4j recorded are printed as a timeline
 * — who cancelled, why, every context reached, the threads woken — next to what the work itself
 * did; one HTML page draws them all.
 */
final class Demo {
  private static final String DEFAULT_DB = "jdbc:h2:mem:ctx4j-demo;DB_CLOSE_DELAY=-1";
  private static final long WAIT_MILLIS = 20_000;

  /** The outcome of one scenario, for the summary table and for tests. */
  record Outcome(
      String name,
      String response,
      List<Chain> chains,
      List<Event> events,
      boolean workStopped,
      String stoppedAfter) {}

  private final PrintStream out;
  private final DemoBackend services;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Outcome> outcomes = new ArrayList<>();

  private Demo(PrintStream out, DemoBackend services) {
    this.out = out;
    this.services = services;
  }

  static int run(String[] args, PrintStream out) throws Exception {
    String db = DEFAULT_DB;
    Path html = Path.of("target", "ctx4j-demo.html");
    Path json = Path.of("target", "ctx4j-demo.json");
    boolean serve = false;
    boolean processes = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            usage(out);
            return 0;
          }
          case "--db" -> db = value(args, ++i, "--db");
          case "--html" -> html = Path.of(value(args, ++i, "--html"));
          case "--json" -> json = Path.of(value(args, ++i, "--json"));
          case "--serve" -> serve = true;
          case "--processes" -> processes = true;
          case "--short" -> {} // the scenarios are short already; kept for scripts
          default -> {
            out.println("ctx4j demo: unknown argument '" + args[i] + "' (try --help)");
            return 2;
          }
        }
      }
    } catch (IllegalArgumentException e) {
      out.println("ctx4j demo: " + e.getMessage() + " (try --help)");
      return 2;
    }
    if (serve && processes) {
      out.println(
          "ctx4j demo: --serve shows this process's contexts; with --processes it has none"
              + " (try --help)");
      return 2;
    }
    List<Outcome> outcomes;
    try {
      outcomes = processes ? runProcesses(out, db, html, json) : runAll(out, db, html, json);
    } catch (DemoProcesses.NotStarted e) {
      out.println("ctx4j demo: " + e.getMessage());
      return 1;
    }
    boolean allStopped = outcomes.stream().allMatch(Outcome::workStopped);
    if (serve) {
      DemoServe.serve(out);
    }
    return allStopped ? 0 : 1;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  static void usage(PrintStream out) {
    out.println(
        "usage: ctx4j demo [--db JDBC_URL] [--html FILE] [--json FILE] [--serve | --processes]");
    out.println();
    out.println(
        "Starts gateway -> orders -> inventory on loopback (Jetty + ctx4j-http), inventory");
    out.println(
        "querying a database through ctx4j-jdbc, and runs five scenarios: a normal request,");
    out.println("a client that hangs up, a deadline that expires inside the database, a TaskGroup");
    out.println("fan-out where one branch fails, and a shutdown with a request in flight. Each");
    out.println("propagation chain is printed as a timeline and drawn in one HTML page.");
    out.println();
    out.println("  --db JDBC_URL  the inventory database (default: embedded H2; e.g.");
    out.println("                 jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
    out.println("  --html FILE    where to write the picture (default: target/ctx4j-demo.html)");
    out.println("  --json FILE    where to write the chains (default: target/ctx4j-demo.json)");
    out.println(
        "  --serve        afterwards, keep the live debug page up on 127.0.0.1 until Ctrl-C");
    out.println(
        "  --processes    run gateway, orders and inventory as three JVMs, each recording its");
    out.println(
        "                 chains with JFR (DIR/ctx4j-demo/<service>.jfr, DIR the --json file's");
    out.println(
        "                 folder); the chains printed are read back from the merged recordings,");
    out.println(
        "                 as 'ctx4j trace gateway.jfr orders.jfr inventory.jfr' reads them");
    out.println("  --short        accepted for scripts; the run takes a few seconds either way");
  }

  /** Runs every scenario; prints timelines and the summary; writes the HTML page. */
  static List<Outcome> runAll(PrintStream out, String db, Path html, Path json) throws Exception {
    out.println(
        "ctx4j demo: starting gateway -> orders -> inventory on 127.0.0.1 (" + dbName(db) + ")");
    ContextTree.enable(); // before the servers start: their lifetime contexts are traced too
    ContextTree.keepChains(512);
    try (DemoServices services = new DemoServices(db)) {
      return run(out, services, html, json);
    }
  }

  /**
   * As {@link #runAll}, with each service in its own JVM recording JFR into {@code <json's
   * folder>/ctx4j-demo/<service>.jfr}; the chains come from the merged recordings.
   */
  static List<Outcome> runProcesses(PrintStream out, String db, Path html, Path json)
      throws Exception {
    Path dir = json.toAbsolutePath().resolveSibling("ctx4j-demo");
    out.println(
        "ctx4j demo: starting gateway -> orders -> inventory on 127.0.0.1 as three JVMs ("
            + dbName(db)
            + "), each recording JFR into "
            + dir);
    try (DemoProcesses services = DemoProcesses.start(db, dir)) {
      List<Outcome> outcomes = run(out, services, html, json);
      out.println(
          "recordings: "
              + String.join(" ", services.recordings().stream().map(p -> p.toString()).toList()));
      out.println(
          "  (./ctx4j trace "
              + String.join(
                  " ", services.recordings().stream().map(p -> p.getFileName().toString()).toList())
              + " in that folder draws them again)");
      return outcomes;
    }
  }

  private static List<Outcome> run(PrintStream out, DemoBackend services, Path html, Path json)
      throws Exception {
    services.begin();
    Demo demo = new Demo(out, services);
    demo.normal();
    demo.clientHangsUp();
    demo.deadlineInDatabase();
    demo.fanOutOneFails();
    demo.shutdownInFlight();
    demo.summary();
    writeHtml(out, html, services.picture());
    DemoJson.write(out, json, demo.outcomes);
    return demo.outcomes;
  }

  private static String dbName(String db) {
    return db.startsWith("jdbc:h2:")
        ? "embedded H2"
        : db.replaceAll("password=[^&;]*", "password=***");
  }

  // ---- scenarios ---------------------------------------------------------------------------

  private void normal() throws Exception {
    header(1, "normal request", "client -> gateway -> orders -> inventory: a quick lookup");
    Instant start = Instant.now();
    HttpResponse<String> r = client.send(request("/checkout?sku=apple", null), ofString());
    // Each request context ends when its response completes: a plain cancel, no cause.
    finish("normal request", start, r.statusCode() + " " + firstLine(r.body()), true, start);
  }

  private void clientHangsUp() throws Exception {
    header(2, "client hangs up", "the client leaves while inventory runs a heavy query");
    CountDownLatch started = services.armQueryStarted();
    Instant start = Instant.now();
    CompletableFuture<HttpResponse<String>> f =
        client.sendAsync(request("/checkout?sku=pear&work=slow", null), ofString());
    awaitStarted(started);
    Instant left = Instant.now();
    f.cancel(true); // aborts the exchange: the connection to the gateway closes
    progress("client left; waiting for the database query to stop");
    Event stop = services.awaitEvent(start, "inventory", "stopped", WAIT_MILLIS);
    finish("client hangs up", start, "(client gone)", stop != null, left);
  }

  private void deadlineInDatabase() throws Exception {
    header(3, "deadline in the database", "a 1 s budget; inventory's heavy query outlives it");
    services.armQueryStarted();
    Instant start = Instant.now();
    HttpResponse<String> r =
        client.send(request("/checkout?sku=plum&work=slow", "1000"), ofString());
    Event stop = services.awaitEvent(start, "inventory", "stopped", WAIT_MILLIS);
    finish(
        "deadline in the database",
        start,
        r.statusCode() + " " + r.body().trim(),
        stop != null && stop.what().contains("deadline exceeded"),
        start.plusMillis(500));
  }

  private void fanOutOneFails() throws Exception {
    header(4, "fan-out, one branch fails", "orders forks three lookups; one SKU does not exist");
    Instant start = Instant.now();
    HttpResponse<String> r =
        client.send(request("/checkout?skus=apple,nosuch,pear&work=slow", null), ofString());
    Event failed = services.awaitEvent(start, "inventory", "unknown sku nosuch", WAIT_MILLIS);
    Event first = services.awaitEvent(start, "inventory", "stopped", WAIT_MILLIS);
    boolean both = countStopped(start) >= 2 || awaitSecondStop(start);
    finish(
        "fan-out, one branch fails",
        start,
        r.statusCode() + " " + firstLine(r.body()),
        failed != null && first != null && both,
        failed == null ? start : failed.at());
  }

  private boolean awaitSecondStop(Instant start) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (countStopped(start) < 2 && System.nanoTime() < end) {
      services.awaitEvent(Instant.now(), "inventory", "stopped", 200);
    }
    return countStopped(start) >= 2;
  }

  private int countStopped(Instant start) {
    return (int)
        services.eventsSince(start).stream()
            .filter(e -> e.service().equals("inventory") && e.what().contains("stopped"))
            .count();
  }

  private void shutdownInFlight() throws Exception {
    header(5, "shutdown in flight", "orders is stopped while a request waits on inventory");
    CountDownLatch started = services.armQueryStarted();
    Instant start = Instant.now();
    CompletableFuture<HttpResponse<String>> f =
        client.sendAsync(request("/checkout?sku=apple&work=slow", null), ofString());
    awaitStarted(started);
    Instant stopAt = Instant.now();
    progress("stopping orders");
    services.stopOrders();
    Event stop = services.awaitEvent(start, "inventory", "stopped", WAIT_MILLIS);
    String response;
    try {
      HttpResponse<String> r = f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      response = r.statusCode() + " " + firstLine(r.body());
    } catch (ExecutionException | TimeoutException e) {
      response = "(" + e.getClass().getSimpleName() + ")";
    }
    finish("shutdown in flight", start, response, stop != null, stopAt);
  }

  // ---- printing ----------------------------------------------------------------------------

  private void header(int n, String name, String story) {
    out.println();
    out.println("━━ " + n + "/5  " + name + " ━━  " + story);
  }

  private void progress(String what) {
    out.println("   … " + what);
  }

  private void awaitStarted(CountDownLatch started) throws InterruptedException {
    if (!started.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("inventory never started its query");
    }
  }

  /** Collects the chains recorded since the last scenario and prints the timeline. */
  private void finish(
      String name, Instant start, String response, boolean workStopped, Instant trigger)
      throws InterruptedException, IOException {
    List<Chain> chains =
        awaitChains(start, name.equals("normal request") ? 0 : expectedStops(name));
    List<Event> events = services.eventsSince(start);
    if (trigger == null) { // the first deadline that fired
      trigger =
          chains.stream()
              .filter(c -> c.state() == ContextTree.State.DEADLINE_EXCEEDED)
              .map(Chain::startedAt)
              .findFirst()
              .orElse(start);
    }
    out.println("   response: " + response);
    printTimeline(chains, events, trigger);
    Event last = null;
    for (Event e : events) {
      if (e.service().equals("inventory") && e.what().contains("stopped")) {
        last = e;
      }
    }
    String after =
        last == null ? "-" : millis(Duration.between(trigger, last.at()).toNanos()) + " ms";
    out.println(
        "   work stopped: "
            + (name.equals("normal request")
                ? "n/a (completed)"
                : workStopped ? "yes, " + after + " after the trigger" : "NO"));
    outcomes.add(new Outcome(name, response, chains, events, workStopped, after));
    services.scenarioDone();
  }

  /** How many queries the scenario stops: the fan-out stops two, the others one. */
  private static int expectedStops(String name) {
    return name.startsWith("fan-out") ? 2 : 1;
  }

  /**
   * The chains of this scenario (begun after the last one's), once they hold {@code stops} "query
   * stopped" hops (each service reports its steps on its own threads), or after {@link
   * #WAIT_MILLIS}.
   */
  private List<Chain> awaitChains(Instant start, int stops)
      throws InterruptedException, IOException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (true) {
      List<Chain> chains = services.chainsSince(start);
      long stopped =
          chains.stream()
              .flatMap(c -> c.hops().stream())
              .filter(h -> h.kind().equals("query stopped"))
              .count();
      if (stopped >= stops || System.nanoTime() > end) {
        return chains;
      }
      Thread.sleep(20);
    }
  }

  private void printTimeline(List<Chain> chains, List<Event> events, Instant trigger) {
    record Line(Instant at, String text) {}
    List<Line> lines = new ArrayList<>();
    for (Chain c : chains) {
      String text =
          Render.chainsText(List.of(c)).stripTrailing().replace("\n", "\n                ");
      lines.add(new Line(c.startedAt(), "chain " + text));
    }
    for (Event e : events) {
      lines.add(new Line(e.at(), String.format(Locale.ROOT, "%-9s %s", e.service(), e.what())));
    }
    lines.sort(Comparator.comparing(Line::at));
    out.println("   timeline (ms from the trigger):");
    for (Line l : lines) {
      long nanos = Duration.between(trigger, l.at()).toNanos();
      out.println(String.format(Locale.ROOT, "   %+9.1f  %s", nanos / 1e6, l.text()));
    }
  }

  private void summary() {
    out.println();
    out.println("━━ summary ━━");
    out.println(
        String.format(
            Locale.ROOT,
            "   %-28s %-34s %7s  %s",
            "scenario",
            "response",
            "chains",
            "work stopped"));
    for (Outcome o : outcomes) {
      out.println(
          String.format(
              Locale.ROOT,
              "   %-28s %-34s %7d  %s",
              o.name(),
              abbreviate(o.response(), 34),
              o.chains().size(),
              o.name().equals("normal request")
                  ? "n/a"
                  : o.workStopped() ? "yes (" + o.stoppedAfter() + ")" : "NO"));
    }
  }

  private static void writeHtml(PrintStream out, Path html, ContextTree.Snapshot picture)
      throws IOException {
    Path parent = html.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(html, Render.html(picture), StandardCharsets.UTF_8);
    out.println();
    out.println("picture of every chain: " + html.toAbsolutePath());
  }

  // ---- small helpers -----------------------------------------------------------------------

  private HttpRequest request(String pathAndQuery, String timeoutMs) {
    URI target = services.gatewayUri().resolve(pathAndQuery);
    HttpRequest.Builder b = HttpRequest.newBuilder(target);
    if (timeoutMs != null) {
      b.header("Connect-Timeout-Ms", timeoutMs);
    }
    return b.build();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
