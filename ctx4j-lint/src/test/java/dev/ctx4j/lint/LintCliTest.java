package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line contract: formats, check selection, exit codes 0/1/2. */
class LintCliTest {
  @TempDir Path dir;
  private Path src;
  private String out;
  private String err;

  static final String SAMPLE =
      """
      package demo;

      import dev.ctx4j.CancellableContext;
      import dev.ctx4j.Context;
      import java.time.Duration;

      class Orders {
        void handle(Context ctx, String id) {
          CancellableContext c = ctx.withTimeout(Duration.ofSeconds(2));
          if (id.isEmpty()) {
            return;
          }
          reserve(c, id);
          audit(id);
          c.cancel();
        }

        void reserve(Context ctx, String id) {}

        void audit(String id) {
          Context.background().isDone();
        }
      }
      """;

  @BeforeEach
  void writeSample() throws Exception {
    src = dir.resolve("src");
    Files.createDirectories(src.resolve("demo"));
    Files.writeString(src.resolve("demo/Orders.java"), SAMPLE);
    Files.createDirectories(dir.resolve("clean/demo"));
    Files.writeString(
        dir.resolve("clean/demo/Ok.java"),
        "package demo; import dev.ctx4j.Context; class Ok { void m(Context ctx) { ctx.isDone(); } }");
  }

  private int lint(String... args) {
    return run(true, args);
  }

  private int graph(String... args) {
    return run(false, args);
  }

  private int run(boolean lint, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      int rc = lint ? LintCli.lint(args, po, pe) : LintCli.graph(args, po, pe);
      out = o.toString(StandardCharsets.UTF_8);
      err = e.toString(StandardCharsets.UTF_8);
      return rc;
    }
  }

  @Test
  void lint_clean_exit0_noOutput() {
    assertEquals(0, lint(dir.resolve("clean").toString()), err);
    assertEquals("", out);
  }

  @Test
  void lint_findings_exit1_textLinesAndIndentedRelatedLines() {
    assertEquals(1, lint(src.toString()), err);
    List<String> lines = out.lines().toList();
    Pattern finding = Pattern.compile("^\\S+\\.java:\\d+:\\d+: [a-z-]+: .+$");
    Pattern related = Pattern.compile("^    \\S+\\.java:\\d+:\\d+: .+$");
    for (String l : lines) {
      assertTrue(finding.matcher(l).matches() || related.matcher(l).matches(), "bad line: " + l);
    }
    String file = src.resolve("demo/Orders.java").toString();
    assertEquals(
        file
            + ":9:28: lost-cancel: the context 'c' from withTimeout on line 9 is not cancelled on"
            + " all paths (line 11): cancel it in a finally block or open it in a"
            + " try-with-resources",
        lines.get(0));
    assertEquals(
        "    " + file + ":11:7: this return may be reached without cancelling it", lines.get(1));
    assertTrue(
        lines.get(2).startsWith(file + ":21:5: broken-chain: Context.background() in Orders#audit"),
        lines.get(2));
    assertEquals(4, lines.size(), out);
  }

  @Test
  void lint_checksSelectsSubset() {
    assertEquals(1, lint("--checks", "broken-chain", src.toString()), err);
    assertTrue(out.contains("broken-chain") && !out.contains("lost-cancel"), out);
    assertEquals(0, lint("--checks", "key-per-call,fat-context", src.toString()), err);
  }

  @Test
  void lint_usageErrors_exit2() {
    assertEquals(2, lint());
    assertTrue(err.contains("PATH"), err);
    assertEquals(2, lint("--format", "xml", src.toString()));
    assertEquals(2, lint("--checks", "no-such-check", src.toString()));
    assertTrue(err.contains("unknown check 'no-such-check'"), err);
    assertEquals(2, lint("--bogus", src.toString()));
  }

  @Test
  void lint_selfTest_printsPrecisionAndRecallPerCheck_exit0() {
    assertEquals(0, lint("--self-test"), err);
    for (String id : Checks.ALL.stream().map(Check::id).toList()) {
      assertTrue(
          Pattern.compile("(?m)^" + id + " +\\d+ +\\d+ +\\d+ +[0-9.]+% +[0-9.]+%$")
              .matcher(out)
              .find(),
          () -> id + " has no score line:\n" + out);
    }
    assertTrue(out.contains("precision") && out.contains("recall"), out);
    assertEquals(2, lint("--self-test", src.toString()));
    assertTrue(err.contains("--self-test takes no PATH"), err);
  }

  @Test
  void lint_missingPath_exit2_namesThePath() {
    assertEquals(2, lint(dir.resolve("nowhere").toString()));
    assertTrue(err.contains("nowhere"), err);
  }

  @Test
  void lint_json_parsesAndCounts() {
    assertEquals(1, lint("--format", "json", src.toString()));
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) MiniJson.parse(out);
    assertEquals(2L, doc.get("count"));
    List<?> findings = assertInstanceOf(List.class, doc.get("findings"));
    Map<?, ?> first = assertInstanceOf(Map.class, findings.get(0));
    assertEquals("lost-cancel", first.get("check"));
    assertEquals(9L, first.get("line"));
    assertEquals(11L, ((Map<?, ?>) first.get("related")).get("line"));
  }

  @Test
  void lint_sarif_hasTheStructureCodeScanningReads() {
    assertEquals(1, lint("--format", "sarif", src.toString()));
    Map<?, ?> doc = assertInstanceOf(Map.class, MiniJson.parse(out));
    assertEquals("2.1.0", doc.get("version"));
    assertEquals("https://json.schemastore.org/sarif-2.1.0.json", doc.get("$schema"));
    List<?> runs = assertInstanceOf(List.class, doc.get("runs"));
    assertEquals(1, runs.size());
    Map<?, ?> run = assertInstanceOf(Map.class, runs.get(0));
    Map<?, ?> driver = assertInstanceOf(Map.class, ((Map<?, ?>) run.get("tool")).get("driver"));
    assertEquals("ctx4j-lint", driver.get("name"));
    List<?> rules = assertInstanceOf(List.class, driver.get("rules"));
    List<Object> ruleIds =
        rules.stream().map(r -> ((Map<?, ?>) r).get("id")).map(Object.class::cast).toList();
    assertEquals(List.copyOf(Checks.IDS), ruleIds);
    for (Object r : rules) {
      Map<?, ?> rule = (Map<?, ?>) r;
      assertFalse(((String) ((Map<?, ?>) rule.get("shortDescription")).get("text")).isBlank());
    }
    List<?> results = assertInstanceOf(List.class, run.get("results"));
    assertEquals(2, results.size());
    for (Object o : results) {
      Map<?, ?> res = (Map<?, ?>) o;
      String ruleId = (String) res.get("ruleId");
      assertTrue(ruleIds.contains(ruleId), ruleId);
      assertEquals((long) ruleIds.indexOf(ruleId), res.get("ruleIndex"));
      assertTrue(List.of("warning", "error", "note").contains(res.get("level")));
      assertFalse(((String) ((Map<?, ?>) res.get("message")).get("text")).isBlank());
      List<?> locs = assertInstanceOf(List.class, res.get("locations"));
      Map<?, ?> phys = (Map<?, ?>) ((Map<?, ?>) locs.get(0)).get("physicalLocation");
      String uri = (String) ((Map<?, ?>) phys.get("artifactLocation")).get("uri");
      assertTrue(uri.endsWith("demo/Orders.java") && !uri.contains("\\"), uri);
      Map<?, ?> region = (Map<?, ?>) phys.get("region");
      assertTrue((Long) region.get("startLine") >= 1 && (Long) region.get("startColumn") >= 1);
      List<?> related = assertInstanceOf(List.class, res.get("relatedLocations"));
      assertEquals(0L, ((Map<?, ?>) related.get(0)).get("id"));
    }
  }

  @Test
  void graph_mermaid_showsDerivedDroppedAndRootInRed() {
    assertEquals(0, graph(src.toString()), err);
    assertTrue(out.startsWith("flowchart LR"), out);
    assertTrue(out.contains("[\"Orders#handle\"]"), out);
    assertTrue(out.contains("-->|\"derived: withTimeout(Duration.ofSeconds(2)), line 13\"|"), out);
    assertTrue(out.contains("-.->|\"dropped: called without its context, line 14\"|"), out);
    assertTrue(out.contains("([\"Context.background()\"])"), out);
    assertTrue(out.contains("linkStyle"), out);
  }

  @Test
  void graph_dot_isADigraphWithRedBrokenEdges() {
    assertEquals(0, graph("--format", "dot", src.toString()), err);
    assertTrue(out.startsWith("digraph ctx4j {"), out);
    assertTrue(
        Pattern.compile("-> m\\d+ \\[label=\"dropped: [^\"]*\", color=red").matcher(out).find(),
        out);
    assertTrue(out.trim().endsWith("}"));
  }

  @Test
  void graph_json_nodesAndEdgesWithKinds() {
    assertEquals(0, graph("--format", "json", src.toString()), err);
    Map<?, ?> doc = assertInstanceOf(Map.class, MiniJson.parse(out));
    List<?> edges = (List<?>) doc.get("edges");
    List<Object> kinds =
        edges.stream()
            .map(e -> ((Map<?, ?>) e).get("kind"))
            .map(Object.class::cast)
            .sorted()
            .toList();
    assertEquals(List.of("derived", "dropped", "root"), kinds);
    List<?> nodes = (List<?>) doc.get("nodes");
    assertEquals(4, nodes.size(), out);
  }

  @Test
  void graph_html_isOneSelfContainedPageWithTheSource() throws Exception {
    Path page = dir.resolve("g.html");
    assertEquals(0, graph("--format", "html", "-o", page.toString(), src.toString()), err);
    String html = Files.readString(page);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertFalse(
        html.contains("<script src") || html.contains("<link") || html.contains("@import"),
        "no external assets");
    assertFalse(
        Pattern.compile(
                "(src|href)\\s*=\\s*[\"']?https?:|url\\(\\s*[\"']?https?:|fetch\\(|XMLHttpRequest|import\\(")
            .matcher(html)
            .find(),
        "nothing is loaded from the network");
    assertTrue(
        !html.contains("/*DAGRE*/") && html.length() > 90_000, "the layout engine is inlined");
    assertTrue(html.contains("Orders#audit"));
    assertTrue(html.contains("Context.background().isDone();"), "method source is embedded");
    assertFalse(html.contains("/*GRAPH_DATA*/"), "data was inlined");
    assertTrue(
        html.contains("addEventListener(\"wheel\"") && html.contains("mousedown"), "pan and zoom");
  }

  @Test
  void graph_focus_keepsOnlyWhatTouchesTheMethod_unknownFocusExit2() {
    assertEquals(0, graph("--focus", "Orders#reserve", src.toString()), err);
    assertTrue(out.contains("Orders#reserve") && out.contains("Orders#handle"), out);
    assertFalse(out.contains("Orders#audit"), out);
    assertEquals(2, graph("--focus", "Nope#nothing", src.toString()));
    assertTrue(err.contains("Nope#nothing"), err);
  }

  @Test
  void nullArguments_rejectedNamingTheParameter() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            NullPointerException.class, () -> LintCli.lint(null, System.out, System.err));
    assertEquals("args", e.getMessage());
  }
}
