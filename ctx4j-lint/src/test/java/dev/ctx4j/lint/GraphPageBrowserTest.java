package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code ctx4j graph --format html} over the corpus of service files, rendered by Debian's headless
 * Chromium and measured on the page: no label overlaps a node or another label, no edge runs under
 * a node it does not connect, and fresh roots sit in the box of their verdict. Writes {@code
 * target/graph-page.png}.
 */
class GraphPageBrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");

  @TempDir Path dir;

  /** Boxes in page coordinates; every overlap the layout must avoid, as readable lines. */
  private static final String MEASURE =
      """
      const box = e => { const r = e.getBoundingClientRect();
        return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
      const shrink = (b, k) => ({ l: b.l + k, t: b.t + k, r: b.r - k, b: b.b - k });
      const hit = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
      const nodes = [...document.querySelectorAll('#nodes g.node')].map(g => ({
        id: g.dataset.id, name: g.querySelector('text.title').textContent,
        root: g.classList.contains('root'), broken: g.classList.contains('broken'),
        box: box(g.querySelector('rect, ellipse')) }));
      const labels = [];
      document.querySelectorAll('#labels text').forEach(t =>
        labels.push({ what: 'edge label "' + t.textContent + '"', box: box(t) }));
      document.querySelectorAll('#nodes g.node').forEach(g => g.querySelectorAll('text').forEach(t =>
        labels.push({ what: 'label "' + t.textContent + '" of ' + g.dataset.id, node: g.dataset.id, box: box(t) })));
      document.querySelectorAll('#clusters text').forEach(t =>
        labels.push({ what: 'box title "' + t.textContent + '"', box: box(t) }));
      const bad = [];
      for (const l of labels) for (const n of nodes)
        if (l.node !== n.id && hit(shrink(l.box, 0.5), n.box)) bad.push(l.what + ' overlaps node ' + n.name);
      for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++)
        if (hit(shrink(labels[i].box, 0.5), shrink(labels[j].box, 0.5))) bad.push(labels[i].what + ' overlaps ' + labels[j].what);
      for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++)
        if (hit(nodes[i].box, nodes[j].box)) bad.push('node ' + nodes[i].name + ' overlaps node ' + nodes[j].name);
      const svg = document.getElementById('view');
      document.querySelectorAll('#edges polyline').forEach(p => {
        const m = p.getScreenCTM(), pt = svg.createSVGPoint(), samples = [];
        const pts = [...p.points].map(q => { pt.x = q.x; pt.y = q.y; return pt.matrixTransform(m); });
        for (let i = 1; i < pts.length; i++) {
          const a = pts[i - 1], b = pts[i], steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 2));
          for (let k = 0; k <= steps; k++) samples.push({ x: a.x + (b.x - a.x) * k / steps, y: a.y + (b.y - a.y) * k / steps });
        }
        for (const n of nodes) {
          if (n.id === p.dataset.from || n.id === p.dataset.to) continue;
          const inner = shrink(n.box, 2);
          if (samples.some(c => c.x > inner.l && c.x < inner.r && c.y > inner.t && c.y < inner.b))
            bad.push('edge ' + p.dataset.from + '->' + p.dataset.to + ' runs under node ' + n.name);
        }
      });
      const clusters = {};
      document.querySelectorAll('#clusters g.cluster').forEach(g => clusters[g.dataset.cluster] = box(g.querySelector('rect')));
      for (const n of nodes.filter(n => n.root)) {
        const c = clusters[n.broken ? 'broken' : 'entry'];
        if (!c || n.box.l < c.l || n.box.r > c.r || n.box.t < c.t || n.box.b > c.b)
          bad.push('fresh root ' + n.id + ' is outside its verdict box');
      }
      return { nodes: nodes.length, roots: nodes.filter(n => n.root).length,
        brokenRoots: nodes.filter(n => n.root && n.broken).length,
        edges: document.querySelectorAll('#edges polyline').length,
        edgeLabels: document.querySelectorAll('#labels text').length,
        layout: typeof window.dagre, bad: bad };
      """;

  @Test
  void serviceCorpus_rendersWithoutOverlaps_rootsGroupedByVerdict() throws Exception {
    boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but /usr/bin/chromium or /usr/bin/chromedriver is missing");
    }
    Assumptions.assumeTrue(present, "skipped: Debian chromium + chromium-driver not installed");
    Path src = dir.resolve("src");
    assertTrue(SelfTest.unpack(src).size() >= 20, "about twenty service files");
    Path page = dir.resolve("graph.html");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(page, StandardCharsets.UTF_8))) {
      Graph.of(Project.load(List.of(src)), null).html(w);
    }
    String html = Files.readString(page);
    assertFalse(
        html.matches("(?s).*(src|href)=\"https?:.*"), "the page loads nothing from outside");

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1600,1000");
    ChromeDriver driver =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).build(), options);
    try {
      driver.manage().timeouts().scriptTimeout(java.time.Duration.ofMinutes(3));
      driver.get(page.toUri().toString());
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) driver.executeScript(MEASURE);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(), Path.of("target", "graph-page.png"), StandardCopyOption.REPLACE_EXISTING);
      String figures = m.toString();
      assertEquals("object", m.get("layout"), "dagre is inlined: " + figures);
      assertTrue(((Number) m.get("nodes")).intValue() >= 20, figures);
      assertEquals(m.get("edges"), m.get("edgeLabels"), figures);
      assertTrue(((Number) m.get("edges")).intValue() >= 20, figures);
      assertEquals(7L, ((Number) m.get("roots")).longValue(), figures);
      assertEquals(3L, ((Number) m.get("brokenRoots")).longValue(), figures);
      assertEquals(List.of(), m.get("bad"), figures);
    } finally {
      driver.quit();
    }
  }
}
