package dev.ctx4j.lint;

import com.github.javaparser.ast.expr.MethodCallExpr;
import dev.ctx4j.observe.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The context-flow graph: methods that take, create, derive or drop a context, the calls between
 * them labelled by how the context travels, and one node per fresh root. Rendered as Graphviz DOT,
 * Mermaid, JSON or one self-contained HTML page.
 */
final class Graph {
  /** A drawn method or fresh root. */
  record Node(
      String id,
      String label,
      String file,
      int line,
      int endLine,
      boolean takesContext,
      boolean broken,
      boolean root,
      String source) {}

  /** A drawn edge; {@code kind} is passed, derived, dropped or root. */
  record Edge(String from, String to, String kind, String label) {
    boolean red() {
      return kind.equals("dropped") || kind.equals("root");
    }
  }

  final List<Node> nodes = new ArrayList<>();
  final List<Edge> edges = new ArrayList<>();

  /**
   * Builds the graph; with {@code focus} ({@code Class#method}), keeps what reaches it or is
   * reached from it.
   *
   * @throws IllegalArgumentException if no analysed method matches {@code focus}
   */
  static Graph of(Project project, String focus) {
    CallGraph cg = project.graph();
    Set<CallGraph.Method> broken = new LinkedHashSet<>(cg.reachedWithContext());
    Map<CallGraph.Method, String> ids = new LinkedHashMap<>();
    for (CallGraph.Method m : cg.methods().values()) {
      if (m.touchesContext()) {
        ids.put(m, "m" + ids.size());
      }
    }
    Graph g = new Graph();
    for (Map.Entry<CallGraph.Method, String> e : ids.entrySet()) {
      CallGraph.Method m = e.getKey();
      boolean hasRoots = !m.roots.isEmpty();
      boolean isBroken = hasRoots && (m.ctxParam != null || broken.contains(m));
      g.nodes.add(
          new Node(
              e.getValue(),
              m.label,
              m.unit.path().toString(),
              m.line(),
              m.endLine(),
              m.ctxParam != null,
              isBroken,
              false,
              source(m)));
      for (MethodCallExpr r : m.roots) {
        String rid = "r" + g.nodes.size();
        g.nodes.add(
            new Node(
                rid,
                "Context." + r.getNameAsString() + "()",
                m.unit.path().toString(),
                Api.line(r),
                Api.line(r),
                false,
                isBroken,
                true,
                m.unit.line(Api.line(r)).strip()));
        g.edges.add(new Edge(rid, e.getValue(), "root", "fresh root, line " + Api.line(r)));
      }
    }
    for (CallGraph.Edge e : cg.edges()) {
      String from = ids.get(e.from());
      String to = ids.get(e.to());
      if (from != null && to != null) {
        g.edges.add(
            new Edge(
                from,
                to,
                e.kind().name().toLowerCase(java.util.Locale.ROOT),
                e.label() + ", line " + Api.line(e.site())));
      }
    }
    return focus == null ? g : g.focus(focus);
  }

  private static String source(CallGraph.Method m) {
    StringBuilder b = new StringBuilder();
    for (int i = m.line(); i <= m.endLine() && i - m.line() < 200; i++) {
      b.append(String.format(java.util.Locale.ROOT, "%5d  %s%n", i, m.unit.line(i)));
    }
    return b.toString();
  }

  private Graph focus(String focus) {
    Set<String> start = new LinkedHashSet<>();
    for (Node n : nodes) {
      if (!n.root() && (n.label().equals(focus) || n.label().endsWith("." + focus))) {
        start.add(n.id());
      }
    }
    if (start.isEmpty()) {
      throw new IllegalArgumentException(
          "focus: no method '"
              + focus
              + "' touches a context in the analysed sources (write Class#method)");
    }
    Set<String> keep = new LinkedHashSet<>(start);
    keep.addAll(reach(start, true));
    keep.addAll(reach(start, false));
    Graph g = new Graph();
    nodes.stream().filter(n -> keep.contains(n.id())).forEach(g.nodes::add);
    edges.stream()
        .filter(e -> keep.contains(e.from()) && keep.contains(e.to()))
        .forEach(g.edges::add);
    return g;
  }

  private Set<String> reach(Set<String> start, boolean forward) {
    Map<String, List<String>> adj = new HashMap<>();
    for (Edge e : edges) {
      adj.computeIfAbsent(forward ? e.from() : e.to(), k -> new ArrayList<>())
          .add(forward ? e.to() : e.from());
    }
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> q = new ArrayDeque<>(start);
    while (!q.isEmpty()) {
      for (String n : adj.getOrDefault(q.poll(), List.of())) {
        if (seen.add(n)) {
          q.add(n);
        }
      }
    }
    return seen;
  }

  void dot(PrintWriter out) {
    out.println("digraph ctx4j {");
    out.println("  rankdir=LR;");
    out.println("  node [shape=box, fontname=\"Helvetica\", fontsize=11];");
    out.println("  edge [fontname=\"Helvetica\", fontsize=9];");
    for (Node n : nodes) {
      String style =
          n.root()
              ? "shape=ellipse, color=red, fontcolor=red"
              : n.broken()
                  ? "color=red, penwidth=2"
                  : n.takesContext() ? "color=\"#1f6feb\"" : "color=gray40";
      out.println(
          "  "
              + n.id()
              + " [label="
              + dotStr(n.label())
              + ", tooltip="
              + dotStr(n.file() + ":" + n.line())
              + ", "
              + style
              + "];");
    }
    for (Edge e : edges) {
      String style =
          switch (e.kind()) {
            case "dropped" -> "color=red, fontcolor=red, style=dashed";
            case "root" -> "color=red, fontcolor=red";
            case "derived" -> "color=\"#1f6feb\"";
            default -> "color=gray30";
          };
      out.println(
          "  "
              + e.from()
              + " -> "
              + e.to()
              + " [label="
              + dotStr(e.kind() + ": " + e.label())
              + ", "
              + style
              + "];");
    }
    out.println("}");
  }

  void mermaid(PrintWriter out) {
    out.println("flowchart LR");
    for (Node n : nodes) {
      String text = mermaidText(n.label());
      out.println("  " + n.id() + (n.root() ? "([\"" + text + "\"])" : "[\"" + text + "\"]"));
    }
    List<Integer> red = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      String arrow = e.kind().equals("dropped") ? "-.->" : "-->";
      out.println(
          "  "
              + e.from()
              + " "
              + arrow
              + "|\""
              + mermaidText(e.kind() + ": " + e.label())
              + "\"| "
              + e.to());
      if (e.red()) {
        red.add(i);
      }
    }
    out.println("  classDef broken stroke:#d00,stroke-width:2px,color:#d00");
    out.println("  classDef ctx stroke:#1f6feb");
    for (Node n : nodes) {
      if (n.broken() || n.root()) {
        out.println("  class " + n.id() + " broken");
      } else if (n.takesContext()) {
        out.println("  class " + n.id() + " ctx");
      }
    }
    if (!red.isEmpty()) {
      out.println(
          "  linkStyle "
              + String.join(",", red.stream().map(String::valueOf).toList())
              + " stroke:#d00,color:#d00");
    }
  }

  private static String dotStr(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }

  private static String mermaidText(String s) {
    return s.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
  }

  void json(PrintWriter out) {
    out.println(jsonText());
  }

  String jsonText() {
    StringBuilder b = new StringBuilder("{\"nodes\": [");
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      b.append(i == 0 ? "\n  " : ",\n  ")
          .append("{\"id\": ")
          .append(Json.quote(n.id()))
          .append(", \"label\": ")
          .append(Json.quote(n.label()))
          .append(", \"file\": ")
          .append(Json.quote(n.file()))
          .append(", \"line\": ")
          .append(n.line())
          .append(", \"endLine\": ")
          .append(n.endLine())
          .append(", \"takesContext\": ")
          .append(n.takesContext())
          .append(", \"broken\": ")
          .append(n.broken())
          .append(", \"root\": ")
          .append(n.root())
          .append(", \"source\": ")
          .append(Json.quote(n.source()))
          .append('}');
    }
    b.append("\n], \"edges\": [");
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      b.append(i == 0 ? "\n  " : ",\n  ")
          .append("{\"from\": ")
          .append(Json.quote(e.from()))
          .append(", \"to\": ")
          .append(Json.quote(e.to()))
          .append(", \"kind\": ")
          .append(Json.quote(e.kind()))
          .append(", \"label\": ")
          .append(Json.quote(e.label()))
          .append(", \"red\": ")
          .append(e.red())
          .append('}');
    }
    return b.append("\n]}").toString();
  }

  /**
   * One page: the data and the layout engine (dagre, {@code vendor/dagre.min.js}, MIT) inlined, no
   * external script, style or font, so that it opens offline.
   */
  void html(PrintWriter out) {
    String template = resource("graph.html");
    // A script element ends at the first "</script", wherever it stands.
    String dagre = resource("vendor/dagre.min.js").replace("</script", "<\\/script");
    out.print(template.replace("/*DAGRE*/", dagre).replace("/*GRAPH_DATA*/null", jsonText()));
  }

  private static String resource(String name) {
    try (InputStream in = Graph.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the ctx4j-lint jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
