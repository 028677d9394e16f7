package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.Demo.Outcome;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.ContextTree.Chain;
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

  @BeforeAll
  static void runDemoOnce(@TempDir Path dir) throws Exception {
    html = dir.resolve("demo.html");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Outcome> list;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      list = Demo.runAll(out, "jdbc:h2:mem:ctx4j-demo-test;DB_CLOSE_DELAY=-1", html);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);
    outcomes = list.stream().collect(Collectors.toMap(Outcome::name, Function.identity()));
  }

  private static List<Chain> chainsAt(Outcome o, String service) {
    return o.chains().stream()
        .filter(c -> c.origin().contains("withValue(" + service + ")"))
        .toList();
  }

  private static void assertHopCause(Outcome o, String service, String cause) {
    List<Chain> chains = chainsAt(o, service);
    assertTrue(
        chains.stream().anyMatch(c -> c.cause().contains(cause)),
        o.name()
            + ": no chain at "
            + service
            + " with cause "
            + cause
            + " in "
            + chains
            + "\n"
            + printed);
  }

  @Test
  void demo_runsFiveScenarios_andEveryOneStoppedItsWork() {
    assertEquals(5, outcomes.size(), printed);
    outcomes.values().forEach(o -> assertTrue(o.workStopped(), o.name() + "\n" + printed));
    assertTrue(outcomes.get("normal request").response().startsWith("200 apple=12"), printed);
    assertTrue(printed.contains("━━ summary ━━"), printed);
  }

  @Test
  void clientHangsUp_everyHopIsCancelledByTheDisconnect() {
    Outcome o = outcomes.get("client hangs up");
    for (String service : List.of("gateway", "orders", "inventory")) {
      assertHopCause(o, service, "ClientDisconnectedException");
    }
    assertTrue(
        o.events().stream().anyMatch(e -> e.what().contains("query for pear stopped: cancelled")),
        printed);
  }

  @Test
  void deadlineInTheDatabase_theQueryEndsWithDeadlineExceeded() {
    Outcome o = outcomes.get("deadline in the database");
    assertTrue(
        chainsAt(o, "inventory").stream()
            .anyMatch(c -> c.state() == ContextTree.State.DEADLINE_EXCEEDED),
        printed);
    assertTrue(
        o.events().stream().anyMatch(e -> e.what().contains("stopped: deadline exceeded")),
        printed);
  }

  @Test
  void fanOut_firstFailureCancelsTheSiblingsDownToTheDatabase() {
    Outcome o = outcomes.get("fan-out, one branch fails");
    assertHopCause(o, "orders", "IOException: inventory answered 404 for nosuch");
    assertEquals(
        2,
        chainsAt(o, "inventory").stream()
            .filter(c -> c.cause().contains("ClientDisconnectedException"))
            .count(),
        printed);
    assertTrue(o.response().startsWith("502"), o.response());
  }

  @Test
  void shutdown_inFlightRequestIsCancelledWithServerStopped() {
    Outcome o = outcomes.get("shutdown in flight");
    assertHopCause(o, "orders", "ServerStoppedException");
    assertHopCause(o, "inventory", "ClientDisconnectedException");
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
      for (String cause :
          List.of("ClientDisconnectedException", "ServerStoppedException", "deadline exceeded")) {
        assertTrue(text.contains(cause), "the page does not show " + cause);
      }
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
      assertTrue(chains.body().contains("withValue(inventory)"), chains.body());
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
