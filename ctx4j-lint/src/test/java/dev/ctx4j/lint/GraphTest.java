package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The context-flow graph model: which methods appear, and how each edge is classified. */
class GraphTest {
  @TempDir Path dir;

  private static final String SOURCE =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      class Flow {
        static final Key<String> USER = Key.named("user");
        void entry(Context ctx) {
          pass(ctx);
          derive(ctx.withValue(USER, "u"));
          try (CancellableContext c = ctx.withTimeout(Duration.ofMillis(250))) {
            pass(c);
          }
          fresh(Context.background());
          log("</script><b>not markup</b>");
        }
        void pass(Context ctx) {}
        void derive(Context ctx) {}
        void fresh(Context ctx) {}
        void log(String s) {}
        static class Inner {
          void deep(Context ctx) {}
        }
      }
      """;

  private Graph graph(String focus) throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.writeString(dir.resolve("a/Flow.java"), SOURCE);
    return Graph.of(Project.load(List.of(dir)), focus);
  }

  private static String edges(Graph g) {
    return g.edges.stream()
        .map(
            e ->
                label(g, e.from())
                    + " "
                    + e.kind()
                    + " "
                    + label(g, e.to())
                    + " ["
                    + e.label()
                    + "]")
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  private static String label(Graph g, String id) {
    return g.nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow().label();
  }

  @Test
  void edges_passedDerivedWithTimeoutAndDroppedFreshRoot() throws Exception {
    assertEquals(
        String.join(
            "\n",
            "Context.background() root Flow#entry [fresh root, line 12]",
            "Flow#entry derived Flow#derive [withValue, line 8]",
            "Flow#entry derived Flow#pass [withTimeout(Duration.ofMillis(250)), line 10]",
            "Flow#entry dropped Flow#fresh [fresh Context.background(), line 12]",
            "Flow#entry passed Flow#pass [passed, line 7]"),
        edges(graph(null)));
  }

  @Test
  void nodes_onlyMethodsThatTouchContexts() throws Exception {
    Graph g = graph(null);
    List<String> labels = g.nodes.stream().map(Graph.Node::label).sorted().toList();
    assertEquals(
        List.of(
            "Context.background()",
            "Flow#derive",
            "Flow#entry",
            "Flow#fresh",
            "Flow#pass",
            "Flow.Inner#deep"),
        labels);
    Graph.Node entry =
        g.nodes.stream().filter(n -> n.label().equals("Flow#entry")).findFirst().orElseThrow();
    assertTrue(entry.broken(), "a method with a context that starts a fresh root is broken");
    assertEquals(6, entry.line());
    assertEquals(14, entry.endLine());
    assertTrue(entry.source().contains("    7      pass(ctx);"), entry.source());
  }

  @Test
  void focus_bySimpleOrNestedName_keepsConnectedPart() throws Exception {
    Graph g = graph("Inner#deep");
    assertEquals(List.of("Flow.Inner#deep"), g.nodes.stream().map(Graph.Node::label).toList());
    assertEquals(List.of(), g.edges);
    Graph f = graph("Flow#fresh");
    assertEquals(
        List.of("Context.background()", "Flow#entry", "Flow#fresh"),
        f.nodes.stream().map(Graph.Node::label).sorted().toList());
    assertThrows(IllegalArgumentException.class, () -> graph("Flow#log"));
  }

  @Test
  void html_sourceWithScriptTags_cannotCloseTheScriptElement() throws Exception {
    StringWriter w = new StringWriter();
    graph(null).html(new PrintWriter(w));
    String html = w.toString();
    assertEquals(
        2,
        html.split("</script>", -1).length - 1,
        "only the closing tags of the page's own two scripts (the layout engine, the page)");
    assertFalse(html.contains("<b>not markup</b>"));
  }

  @Test
  void mermaidAndDot_escapeQuotesInLabels() throws Exception {
    Graph g = graph(null);
    StringWriter m = new StringWriter();
    g.mermaid(new PrintWriter(m));
    StringWriter d = new StringWriter();
    g.dot(new PrintWriter(d));
    for (String line : m.toString().lines().toList()) {
      if (line.contains("|")) {
        assertEquals(2, line.chars().filter(c -> c == '"').count(), line);
      }
    }
    assertTrue(
        d.toString().contains("label=\"derived: withTimeout(Duration.ofMillis(250)), line 10\""),
        d.toString());
  }
}
