package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.Demo.Outcome;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The demo end to end: every scenario's work stopped, with the right cause at each hop. */
class DemoTest {
  private static Map<String, Outcome> outcomes;
  private static String printed;
  private static Path html;
  private static Path json;

  @BeforeAll
  static void runDemoOnce(@TempDir Path dir) throws Exception {
    html = dir.resolve("demo.html");
    json = dir.resolve("demo.json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Outcome> list;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      list = Demo.runAll(out, "jdbc:h2:mem:ctx4j-demo-test;DB_CLOSE_DELAY=-1", html, json);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);
    outcomes = list.stream().collect(Collectors.toMap(Outcome::name, Function.identity()));
  }

  /** The one chain of a scenario: it crosses every service and ends with the query stopped. */
  private static Chain theChain(String scenario) {
    Outcome o = outcomes.get(scenario);
    assertEquals(1, o.chains().size(), scenario + ": exactly one chain\n" + printed);
    Chain c = o.chains().get(0);
    assertEquals(
        List.of("gateway", "orders", "inventory"), c.services(), scenario + "\n" + printed);
    Hop latest = c.hops().stream().max(Comparator.comparingLong(Hop::offsetNanos)).orElseThrow();
    for (Hop end : List.of(latest)) {
      assertEquals("database", end.service(), scenario + ": ends in the database lane\n" + printed);
      assertEquals("query stopped", end.kind(), scenario + "\n" + printed);
    }
    assertTrue(c.workStoppedNanos() >= 0, scenario);
    for (Hop h : c.hops()) {
      assertFalse(h.thread().isBlank(), scenario + ": a hop without a thread " + h);
      assertTrue(h.parent() < c.hops().size(), scenario);
    }
    assertFalse(c.site().contains("dev.ctx4j.http"), "a ctx4j frame as the site: " + c.site());
    return c;
  }

  private static long count(Chain c, String kind) {
    return c.hops().stream().filter(h -> h.kind().equals(kind)).count();
  }

  @Test
  void demo_runsFiveScenarios_andEveryOneStoppedItsWork() {
    assertEquals(5, outcomes.size(), printed);
    outcomes.values().forEach(o -> assertTrue(o.workStopped(), o.name() + "\n" + printed));
    assertTrue(outcomes.get("normal request").response().startsWith("200 apple=12"), printed);
    assertTrue(printed.contains("━━ summary ━━"), printed);
  }

  @Test
  void normalRequest_routineEndsOnly_noChain() {
    assertEquals(List.of(), outcomes.get("normal request").chains(), printed);
  }

  @Test
  void clientHangsUp_oneChainFromTheGatewayToTheStoppedQuery() {
    Chain c = theChain("client hangs up");
    assertEquals("client hung up", c.what());
    assertEquals("gateway", c.service());
    assertEquals("GET /checkout", c.request());
    assertEquals(2, count(c, "exchange aborted"), "gateway and orders abort their calls");
    assertEquals(1, count(c, "query stopped"));
  }

  @Test
  void deadlineInTheDatabase_oneChainWithTheRequestPathAndTheExpiryInInventory() {
    Chain c = theChain("deadline in the database");
    assertEquals(ContextTree.State.DEADLINE_EXCEEDED, c.state());
    assertEquals("inventory", c.service());
    assertEquals(2, count(c, "request sent"), "gateway -> orders -> inventory drawn before it");
    assertTrue(c.hops().get(0).offsetNanos() < 0, "the request path comes before the expiry");
    assertEquals("GET /checkout", c.request());
  }

  @Test
  void fanOut_oneChainFromTheFailedBranch_stoppingBothOtherQueries() {
    Chain c = theChain("fan-out, one branch fails");
    assertTrue(c.cause().contains("IOException: inventory answered 404 for nosuch"), c.cause());
    assertEquals("orders", c.service());
    assertEquals(2, count(c, "query stopped"), printed);
    assertEquals(1, count(c, "siblings cancelled"));
    assertTrue(outcomes.get("fan-out, one branch fails").response().startsWith("502"));
  }

  @Test
  void shutdown_oneChainFromTheStoppedServerToTheStoppedQuery() {
    Chain c = theChain("shutdown in flight");
    assertEquals("server stopped", c.what());
    assertEquals("orders", c.service());
    String response = outcomes.get("shutdown in flight").response();
    assertTrue(response.startsWith("503 "), "a stopping server answers 503: " + response);
  }

  @Test
  void demo_writesTheChainsAsJson() throws Exception {
    String doc = Files.readString(json);
    assertTrue(doc.startsWith("{\"scenarios\":["), doc);
    for (String name : outcomes.keySet()) {
      assertTrue(doc.contains("{\"name\":\"" + name + "\""), name);
    }
    assertTrue(doc.contains("\"service\":\"database\",\"kind\":\"query stopped\""), doc);
    assertTrue(doc.contains("\"workStoppedMicros\":"), doc);
    assertTrue(doc.contains("\"origin\":{\"service\":\"gateway\""), doc);
    assertTrue(printed.contains("chains as JSON: " + json.toAbsolutePath()), printed);
  }

  @Test
  void demo_writesOneSelfContainedHtmlPicture() throws Exception {
    String page = Files.readString(html);
    assertTrue(page.contains("<svg"), "no SVG in the page");
    for (String external : List.of("src=\"http", "href=\"http", "url(http", "<link ", "@import")) {
      assertTrue(!page.contains(external), "external asset: " + external);
    }
    assertTrue(printed.contains("picture of every chain: " + html.toAbsolutePath()), printed);
  }

  @Test
  void demo_picture_rendersEveryChainInChromium() throws Exception {
    ChromeDriver browser = Browser.open();
    try {
      browser.get(html.toUri().toString());
      String text = browser.findElement(By.tagName("body")).getText();
      for (String what :
          List.of("client hung up", "server stopped", "deadline exceeded", "query stopped")) {
        assertTrue(text.contains(what), "the page does not show " + what);
      }
      for (String lane : List.of("gateway", "orders", "inventory", "database")) {
        assertEquals(
            4,
            browser
                .findElements(By.cssSelector("svg.lanes g.lane[data-lane='" + lane + "']"))
                .size(),
            "one " + lane + " lane per scenario's picture");
      }
      assertTrue(
          browser.findElements(By.cssSelector("svg.lanes g.lane-hop.stop")).size() >= 5,
          "stopped work marked: one query per scenario, two in the fan-out");
      assertTrue(!browser.findElements(By.tagName("svg")).isEmpty(), "no drawing rendered");
      Path png = Files.createDirectories(Path.of("target")).resolve("demo-picture.png");
      Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
      assertTrue(Files.size(png) > 10_000, "screenshot looks empty: " + Files.size(png) + " bytes");
    } finally {
      browser.quit();
    }
  }

  @Test
  void serve_showsTheDemosChainsOnLoopback_untilStopped() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<URI> started = new CompletableFuture<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Thread server =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    DemoServe.serveUntil(out, stop, started::complete);
                  } catch (Exception e) {
                    started.completeExceptionally(e);
                  }
                });
    URI uri = started.get(30, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    try {
      assertEquals("127.0.0.1", uri.getHost());
      assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("live debug page: " + uri));
      HttpResponse<String> chains =
          http.send(
              HttpRequest.newBuilder(uri.resolve("/chains.json")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, chains.statusCode());
      assertTrue(chains.body().contains("\"service\":\"inventory\""), chains.body());
      HttpResponse<String> page =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("<svg"), "the live page draws the tree");
    } finally {
      stop.countDown();
    }
    server.join(Duration.ofSeconds(10));
    assertFalse(server.isAlive(), "serve returns once stopped");
    assertThrows(
        java.net.ConnectException.class,
        () -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()),
        "the port is closed after serve returns");
  }

  @Test
  void demo_badArguments_exitCode2() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(2, Main.run(new String[] {"demo", "--bogus"}, out, out));
      assertEquals(2, Main.run(new String[] {"demo", "--db"}, out, out));
      assertEquals(0, Main.run(new String[] {"demo", "--help"}, out, out));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("unknown argument '--bogus'"), text);
    assertTrue(text.contains("--db needs a value"), text);
    assertTrue(text.contains("usage: ctx4j demo"), text);
  }

  @Test
  void main_unknownCommand_exitCode2AndUsage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(2, Main.run(new String[] {"frobnicate"}, out, out));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("unknown command 'frobnicate'") && text.contains("usage:"), text);
  }
}
