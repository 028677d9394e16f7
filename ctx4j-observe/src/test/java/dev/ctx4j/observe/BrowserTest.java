package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The HTML page in a real headless Chromium (Debian's, installed by {@code
 * .ci/setup.d/chromium.sh}): every node renders, a subtree folds on click, the chain view shows the
 * origin. Writes {@code target/see-the-chain.png}; with {@code -Dctx4j.updateScreenshot=true} also
 * refreshes {@code docs/images/see-the-chain.png}.
 */
class BrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");
  private static final Key<String> ROUTE = Key.named("route");

  private static void requireChromium() {
    boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but /usr/bin/chromium or /usr/bin/chromedriver is missing: run"
              + " .ci/setup.d/chromium.sh (apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(
        present,
        "skipped: Debian chromium + chromium-driver not installed (.ci/setup.d/chromium.sh)");
  }

  /** A request tree with deadlines and parked workers, one cancel and one expiry recorded. */
  private static ContextTree.Snapshot scene(List<Thread> threads, List<CancellableContext> toEnd)
      throws Exception {
    ContextTree.enable();
    ContextTree.allSites(true);
    ContextTree.displayable(ROUTE);
    long mark = ContextTree.mark();
    CancellableContext server = Context.background().withCancel();
    toEnd.add(server);
    for (String route : List.of("GET /orders/42", "POST /checkout")) {
      CancellableContext request =
          server.withValue(ROUTE, route).withTimeout(Duration.ofSeconds(30));
      CancellableContext db = request.withTimeout(Duration.ofSeconds(5));
      CancellableContext http = request.withCancel();
      threads.add(park(db, "db-worker-" + threads.size()));
      threads.add(park(http, "http-worker-" + threads.size()));
    }
    CancellableContext hungUp = server.withValue(ROUTE, "GET /report").withCancel();
    CancellableContext query = hungUp.withTimeout(Duration.ofSeconds(10));
    CancellableContext fetch = query.withCancel();
    Thread w1 = park(query, "report-db");
    Thread w2 = park(fetch, "report-fetch");
    Lines.awaitTrue("workers parked", () -> waiting(threads) && waiting(List.of(w1, w2)), 20);
    hungUp.cancel(new java.io.IOException("client closed the connection"));
    w1.join();
    w2.join();
    CancellableContext slow = server.withTimeout(Duration.ofMillis(20));
    String slowPath = slow.toString();
    slow.await();
    Lines.awaitTrue(
        "expiry chain",
        () -> ContextTree.chains().stream().anyMatch(c -> c.origin().equals(slowPath)),
        20);
    ContextTree.Snapshot live = ContextTree.liveSince(mark);
    List<ContextTree.Chain> mine = new ArrayList<>();
    for (ContextTree.Chain c : ContextTree.chains()) {
      if (c.origin().equals(slowPath) || c.origin().equals(hungUp.toString())) {
        mine.add(c);
      }
    }
    return new ContextTree.Snapshot(live.takenAt(), live.roots(), live.live(), 0, mine);
  }

  private static boolean waiting(List<Thread> threads) {
    for (Thread t : threads) {
      if (t.getState() != Thread.State.WAITING) {
        return false;
      }
    }
    return true;
  }

  private static Thread park(Context c, String name) {
    return Thread.ofPlatform()
        .name(name)
        .daemon()
        .start(
            () -> {
              try {
                c.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  @Test
  void htmlPage_inChromium_rendersNodesFoldsSubtreesShowsChainOrigin() throws Exception {
    requireChromium();
    List<Thread> threads = new ArrayList<>();
    List<CancellableContext> toEnd = new ArrayList<>();
    ContextTree.Snapshot s = scene(threads, toEnd);
    Path target = Path.of("target");
    Files.createDirectories(target);
    Path page = target.resolve("see-the-chain.html");
    Files.writeString(page, Render.html(s));
    int expected = 0;
    for (ContextTree.Node r : s.roots()) {
      expected += r.size();
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1250");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.get(page.toAbsolutePath().toUri().toString());
      List<WebElement> nodes = driver.findElements(By.cssSelector("#tree-svg g.node"));
      assertEquals(expected, nodes.size());
      assertEquals(expected, visible(driver));
      WebElement origin = driver.findElement(By.cssSelector(".chain.cancelled h3.origin"));
      assertTrue(
          origin.getText().contains(" at BrowserTest.scene(BrowserTest.java:")
              && origin.getText().contains(" by main · "),
          origin.getText());
      assertTrue(origin.getText().contains("client closed the connection"), origin.getText());
      assertTrue(
          driver
              .findElement(By.cssSelector(".chain.cancelled svg.lanes"))
              .getText()
              .contains("woke report-fetch"),
          "the lane picture names the woken thread");
      assertTrue(driver.findElements(By.cssSelector(".chain.deadline")).size() == 1);
      Files.write(target.resolve("see-the-chain.png"), driver.getScreenshotAs(OutputType.BYTES));
      WebElement firstRequest =
          driver.findElements(By.cssSelector("#tree-svg g.node.parent")).stream()
              .filter(e -> e.getText().contains("GET /orders/42"))
              .findFirst()
              .orElseThrow();
      firstRequest.click();
      assertEquals(expected - 3, visible(driver), "the request subtree (3 contexts) folds away");
      firstRequest.click();
      assertEquals(expected, visible(driver));
    } finally {
      driver.quit();
      for (CancellableContext c : toEnd) {
        c.cancel();
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    if (Boolean.getBoolean("ctx4j.updateScreenshot")) {
      Path docs = Path.of("..", "docs", "images");
      Files.createDirectories(docs);
      Files.copy(
          target.resolve("see-the-chain.png"),
          docs.resolve("see-the-chain.png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    assertTrue(Tracing.isOn());
  }

  private static int visible(ChromeDriver driver) {
    int n = 0;
    for (WebElement e : driver.findElements(By.cssSelector("#tree-svg g.node"))) {
      if (e.isDisplayed()) {
        n++;
      }
    }
    return n;
  }
}
