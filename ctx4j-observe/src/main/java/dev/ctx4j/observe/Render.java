package dev.ctx4j.observe;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.Node;
import dev.ctx4j.observe.ContextTree.Snapshot;
import dev.ctx4j.observe.ContextTree.State;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Snapshot}: an indented text tree, Mermaid, Graphviz DOT, JSON, and one
 * self-contained HTML page ({@link HtmlPage}). Every renderer shows the live tree and then the
 * chains. Pure functions of the snapshot; thread-safe.
 */
public final class Render {
  private Render() {}

  // ---- text
  // --------------------------------------------------------------------------------------

  /**
   * An indented tree: each context with its state, the time left to its deadline and the threads
   * parked on it, then each chain from its origin through every hop (with its offset) to the
   * threads it woke.
   */
  public static String text(Snapshot s) {
    StringBuilder sb = new StringBuilder();
    for (Node root : s.roots()) {
      sb.append(root.segment()).append('\n');
      textChildren(sb, root.children(), "");
    }
    sb.append('(').append(s.live()).append(" live");
    if (s.omitted() > 0) {
      sb.append(", ").append(s.omitted()).append(" not shown");
    }
    sb.append(")\n");
    if (!s.chains().isEmpty()) {
      sb.append("\nchains, most recent first:\n");
      for (Chain c : s.chains()) {
        chainText(sb, c);
      }
    }
    return sb.toString();
  }

  /** Only the chains, as in {@link #text(Snapshot)}. */
  public static String chainsText(List<Chain> chains) {
    StringBuilder sb = new StringBuilder();
    for (Chain c : chains) {
      chainText(sb, c);
    }
    return sb.toString();
  }

  private static void textChildren(StringBuilder sb, List<Node> kids, String indent) {
    for (int i = 0; i < kids.size(); i++) {
      Node n = kids.get(i);
      boolean last = i == kids.size() - 1;
      sb.append(indent).append(last ? "└── " : "├── ").append(nodeLine(n)).append('\n');
      textChildren(sb, n.children(), indent + (last ? "    " : "│   "));
    }
  }

  static String nodeLine(Node n) {
    StringBuilder sb = new StringBuilder(n.segment());
    sb.append("  ").append(stateWord(n.state()));
    if (n.remaining() != null) {
      sb.append("  ").append(Format.duration(n.remaining().toNanos())).append(" left");
    }
    if (!n.waiters().isEmpty()) {
      sb.append("  waiters: ").append(String.join(", ", n.waiters()));
    }
    if (!n.site().isEmpty()) {
      sb.append("  at ").append(n.site());
    }
    return sb.toString();
  }

  static String stateWord(State s) {
    return switch (s) {
      case LIVE -> "live";
      case CANCELLED -> "cancelled";
      case DEADLINE_EXCEEDED -> "deadline exceeded";
    };
  }

  /**
   * A chain's header in the user's terms: what happened, where (and, when the user's code
   * cancelled, at which line on which thread), how far it went, and when the work stopped, e.g.
   * {@code client hung up · gateway GET /checkout · 3 services, 9 hops · work stopped in 69.0ms}.
   */
  static String chainHeadline(Chain c) {
    StringBuilder sb = new StringBuilder(c.what());
    sb.append(" · ").append(where(c));
    if (!c.site().isEmpty()) { // someone's code cancelled: where, and on which thread
      sb.append(" at ").append(c.site());
      sb.append(" by ").append(c.thread().isBlank() ? "?" : c.thread());
    } // else a disconnect, a deadline, a failed task: ctx4j's own thread, shown on the first hop
    boolean plain =
        c.state() == State.DEADLINE_EXCEEDED
            || c.what().equals("client hung up")
            || c.what().equals("server stopped")
            || c.cause().endsWith(c.what());
    if (!plain) {
      sb.append(" · ").append(c.cause());
    }
    sb.append(" · ");
    int services = c.services().size();
    if (services > 1) {
      sb.append(services).append(" services, ");
    }
    sb.append(c.hops().size()).append(c.hops().size() == 1 ? " hop" : " hops");
    long stopped = c.workStoppedNanos();
    if (stopped >= 0) {
      sb.append(" · work stopped in ").append(Format.duration(stopped));
    } else {
      sb.append(" in ").append(Format.duration(c.durationNanos()));
    }
    return sb.toString();
  }

  /** The service and request when known, else the origin's path cut to its last segments. */
  static String where(Chain c) {
    String first = c.services().isEmpty() ? c.service() : c.services().get(0);
    if (!first.isEmpty() || !c.request().isEmpty()) {
      return (first + " " + c.request()).strip();
    }
    return shortPath(c.origin());
  }

  /**
   * {@code Context.background.withValue(k).withCancel.withTimeout(1s)} as {@code
   * …withCancel.withTimeout(1s)}.
   */
  static String shortPath(String path) {
    List<String> segments = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < path.length(); i++) {
      char ch = path.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == '.' && depth == 0 && path.startsWith("with", i + 1)) {
        segments.add(path.substring(from, i));
        from = i + 1;
      }
    }
    segments.add(path.substring(from));
    if (segments.size() <= 2) {
      return path;
    }
    return "…" + String.join(".", segments.subList(segments.size() - 2, segments.size()));
  }

  private static void chainText(StringBuilder sb, Chain c) {
    sb.append('#').append(c.id()).append(' ').append(chainHeadline(c)).append('\n');
    List<List<Integer>> kids = hopChildren(c.hops());
    for (int i = 0; i < c.hops().size(); i++) {
      if (c.hops().get(i).parent() < 0) {
        sb.append("  ").append(hopLine(c.hops().get(i))).append('\n');
        hopText(sb, c.hops(), kids, i, "  ");
      }
    }
    int kept = c.hops().size() - 1;
    if (c.descendants() > kept && kept >= 0) {
      sb.append("  (").append(c.descendants() - kept).append(" more hops not kept)\n");
    }
  }

  private static void hopText(
      StringBuilder sb, List<Hop> hops, List<List<Integer>> kids, int i, String indent) {
    List<Integer> ks = kids.get(i);
    for (int j = 0; j < ks.size(); j++) {
      boolean last = j == ks.size() - 1;
      Hop h = hops.get(ks.get(j));
      sb.append(indent).append(last ? "└── " : "├── ").append(hopLine(h)).append('\n');
      hopText(sb, hops, kids, ks.get(j), indent + (last ? "    " : "│   "));
    }
  }

  static String hopLine(Hop h) {
    StringBuilder sb = new StringBuilder();
    if (!h.service().isEmpty()) {
      sb.append('[').append(h.service()).append("] ");
    }
    boolean reached = h.kind().equals(HopKind.REACHED.label());
    if (!reached) {
      sb.append(h.kind()).append(' ');
    }
    sb.append(h.segment()).append("  ").append(Format.offset(h.offsetNanos()));
    if (!h.thread().isEmpty()) {
      sb.append("  on ").append(h.thread());
    }
    if (!h.detail().isEmpty()) {
      sb.append("  (").append(h.detail()).append(')');
    }
    if (h.stopsWork()) {
      sb.append("  ■ work stopped");
    }
    return h.woken().isEmpty()
        ? sb.toString()
        : sb.append("  woke ").append(String.join(", ", h.woken())).toString();
  }

  /** For each hop, the indexes of the hops it reached. Bad parent indexes count as roots. */
  static List<List<Integer>> hopChildren(List<Hop> hops) {
    List<List<Integer>> kids = new ArrayList<>(hops.size());
    for (int i = 0; i < hops.size(); i++) {
      kids.add(new ArrayList<>(0));
    }
    for (int i = 0; i < hops.size(); i++) {
      int p = hops.get(i).parent();
      if (p >= 0 && p < i) {
        kids.get(p).add(i);
      }
    }
    return kids;
  }

  // ---- Mermaid
  // -----------------------------------------------------------------------------------

  /** A Mermaid {@code flowchart}: the tree, then one subgraph per chain. */
  public static String mermaid(Snapshot s) {
    StringBuilder sb = new StringBuilder("flowchart TD\n");
    List<String> live = new ArrayList<>();
    List<String> cancelled = new ArrayList<>();
    List<String> deadline = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    int r = 0;
    for (Node root : s.roots()) {
      String id = "r" + r++;
      roots.add(id);
      sb.append("  ").append(id).append("[\"").append(mermaidText(root.segment())).append("\"]\n");
      mermaidChildren(sb, id, root.children(), live, cancelled, deadline);
    }
    for (Chain c : s.chains()) {
      String p = "c" + c.id() + "h";
      sb.append("  subgraph chain").append(c.id()).append("[\"");
      sb.append(mermaidText("#" + c.id() + " " + chainHeadline(c))).append("\"]\n");
      List<String> chainClass = c.state() == State.DEADLINE_EXCEEDED ? deadline : cancelled;
      for (int i = 0; i < c.hops().size(); i++) {
        Hop h = c.hops().get(i);
        chainClass.add(p + i);
        sb.append("    ").append(p).append(i).append("[\"").append(mermaidText(h.segment()));
        sb.append("<br/>+").append(mermaidText(Format.duration(h.offsetNanos()))).append("\"]\n");
        if (h.parent() >= 0 && h.parent() < i) {
          sb.append("    ").append(p).append(h.parent()).append(" --> ").append(p).append(i);
          sb.append('\n');
        }
        for (int t = 0; t < h.woken().size(); t++) {
          String tid = p + i + "t" + t;
          threads.add(tid);
          sb.append("    ").append(tid).append("([\"").append(mermaidText(h.woken().get(t)));
          sb.append("\"])\n");
          sb.append("    ").append(p).append(i).append(" -. woke .-> ").append(tid).append('\n');
        }
      }
      sb.append("  end\n");
    }
    sb.append("  classDef root fill:#eeeeee,stroke:#616161\n");
    sb.append("  classDef live fill:#e8f5e9,stroke:#2e7d32\n");
    sb.append("  classDef cancelled fill:#ffebee,stroke:#c62828\n");
    sb.append("  classDef deadline fill:#fff3e0,stroke:#ef6c00\n");
    sb.append("  classDef thread fill:#e3f2fd,stroke:#1565c0\n");
    classLine(sb, "root", roots);
    classLine(sb, "live", live);
    classLine(sb, "cancelled", cancelled);
    classLine(sb, "deadline", deadline);
    classLine(sb, "thread", threads);
    return sb.toString();
  }

  private static void mermaidChildren(
      StringBuilder sb,
      String parent,
      List<Node> kids,
      List<String> live,
      List<String> cancelled,
      List<String> deadline) {
    for (Node n : kids) {
      String id = "n" + n.id();
      String label = n.segment() + "<br/>" + stateWord(n.state());
      if (n.remaining() != null) {
        label += ", " + Format.duration(n.remaining().toNanos()) + " left";
      }
      if (!n.waiters().isEmpty()) {
        label += "<br/>waiters: " + String.join(", ", n.waiters());
      }
      sb.append("  ").append(id).append("[\"").append(mermaidText(label)).append("\"]\n");
      sb.append("  ").append(parent).append(" --> ").append(id).append('\n');
      switch (n.state()) {
        case LIVE -> live.add(id);
        case CANCELLED -> cancelled.add(id);
        case DEADLINE_EXCEEDED -> deadline.add(id);
      }
      mermaidChildren(sb, id, n.children(), live, cancelled, deadline);
    }
  }

  private static void classLine(StringBuilder sb, String cls, List<String> ids) {
    if (!ids.isEmpty()) {
      sb.append("  class ").append(String.join(",", ids)).append(' ').append(cls).append('\n');
    }
  }

  /** Mermaid label text: quotes and angle brackets as entity codes, except our own line breaks. */
  static String mermaidText(String s) {
    return s.replace("\"", "#quot;")
        .replace("<br/>", "\u0000")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\u0000", "<br/>")
        .replace('\n', ' ');
  }

  // ---- DOT
  // ---------------------------------------------------------------------------------------

  /** A Graphviz {@code digraph}: the tree, then one cluster per chain. */
  public static String dot(Snapshot s) {
    StringBuilder sb = new StringBuilder("digraph ctx4j {\n");
    sb.append("  rankdir=LR;\n");
    sb.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
    int r = 0;
    for (Node root : s.roots()) {
      String id = "r" + r++;
      sb.append("  ").append(id).append(" [label=\"").append(dotText(root.segment()));
      sb.append("\", fillcolor=\"#eeeeee\"];\n");
      dotChildren(sb, id, root.children());
    }
    for (Chain c : s.chains()) {
      String p = "c" + c.id() + "h";
      sb.append("  subgraph cluster_chain").append(c.id()).append(" {\n");
      sb.append("    label=\"")
          .append(dotText("#" + c.id() + " " + chainHeadline(c)))
          .append("\";\n");
      String fill = fill(c.state());
      for (int i = 0; i < c.hops().size(); i++) {
        Hop h = c.hops().get(i);
        sb.append("    ").append(p).append(i).append(" [label=\"").append(dotText(h.segment()));
        sb.append("\\n+").append(dotText(Format.duration(h.offsetNanos())));
        sb.append("\", fillcolor=\"").append(fill).append("\"];\n");
        if (h.parent() >= 0 && h.parent() < i) {
          sb.append("    ").append(p).append(h.parent()).append(" -> ").append(p).append(i);
          sb.append(";\n");
        }
        for (int t = 0; t < h.woken().size(); t++) {
          String tid = p + i + "t" + t;
          sb.append("    ").append(tid).append(" [shape=ellipse, label=\"");
          sb.append(dotText(h.woken().get(t))).append("\", fillcolor=\"#e3f2fd\"];\n");
          sb.append("    ").append(p).append(i).append(" -> ").append(tid);
          sb.append(" [style=dashed, label=\"woke\"];\n");
        }
      }
      sb.append("  }\n");
    }
    sb.append("}\n");
    return sb.toString();
  }

  private static void dotChildren(StringBuilder sb, String parent, List<Node> kids) {
    for (Node n : kids) {
      String id = "n" + n.id();
      StringBuilder label =
          new StringBuilder(n.segment()).append('\n').append(stateWord(n.state()));
      if (n.remaining() != null) {
        label.append(", ").append(Format.duration(n.remaining().toNanos())).append(" left");
      }
      if (!n.waiters().isEmpty()) {
        label.append("\nwaiters: ").append(String.join(", ", n.waiters()));
      }
      sb.append("  ").append(id).append(" [label=\"").append(dotText(label.toString()));
      sb.append("\", fillcolor=\"").append(fill(n.state())).append("\"];\n");
      sb.append("  ").append(parent).append(" -> ").append(id).append(";\n");
      dotChildren(sb, id, n.children());
    }
  }

  static String fill(State s) {
    return switch (s) {
      case LIVE -> "#e8f5e9";
      case CANCELLED -> "#ffebee";
      case DEADLINE_EXCEEDED -> "#fff3e0";
    };
  }

  static String dotText(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  // ---- JSON
  // --------------------------------------------------------------------------------------

  /** The snapshot as one JSON object; durations in nanoseconds. */
  public static String json(Snapshot s) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"takenAt\":\"").append(s.takenAt()).append('"');
    sb.append(",\"live\":").append(s.live()).append(",\"omitted\":").append(s.omitted());
    sb.append(",\"roots\":[");
    for (int i = 0; i < s.roots().size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      jsonNode(sb, s.roots().get(i));
    }
    sb.append("],\"chains\":");
    jsonChains(sb, s.chains());
    return sb.append("}").toString();
  }

  /** Only the chains, as a JSON array. */
  public static String chainsJson(List<Chain> chains) {
    StringBuilder sb = new StringBuilder();
    jsonChains(sb, chains);
    return sb.toString();
  }

  private static void jsonNode(StringBuilder sb, Node n) {
    sb.append("{\"id\":").append(n.id());
    sb.append(",\"segment\":\"").append(Format.json(n.segment())).append('"');
    sb.append(",\"state\":\"").append(n.state()).append('"');
    sb.append(",\"remainingNanos\":")
        .append(n.remaining() == null ? "null" : n.remaining().toNanos());
    sb.append(",\"waiters\":");
    jsonStrings(sb, n.waiters());
    sb.append(",\"site\":\"").append(Format.json(n.site())).append('"');
    sb.append(",\"ageNanos\":").append(n.age() == null ? "null" : n.age().toNanos());
    sb.append(",\"children\":[");
    for (int i = 0; i < n.children().size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      jsonNode(sb, n.children().get(i));
    }
    sb.append("]}");
  }

  private static void jsonChains(StringBuilder sb, List<Chain> chains) {
    sb.append('[');
    for (int i = 0; i < chains.size(); i++) {
      Chain c = chains.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":").append(c.id());
      sb.append(",\"origin\":\"").append(Format.json(c.origin())).append('"');
      sb.append(",\"thread\":\"").append(Format.json(c.thread())).append('"');
      sb.append(",\"site\":\"").append(Format.json(c.site())).append('"');
      sb.append(",\"startedAt\":\"").append(c.startedAt()).append('"');
      sb.append(",\"state\":\"").append(c.state()).append('"');
      sb.append(",\"cause\":\"").append(Format.json(c.cause())).append('"');
      sb.append(",\"descendants\":").append(c.descendants());
      sb.append(",\"durationNanos\":").append(c.durationNanos());
      sb.append(",\"service\":\"").append(Format.json(c.service())).append('"');
      sb.append(",\"request\":\"").append(Format.json(c.request())).append('"');
      sb.append(",\"routine\":").append(c.routine());
      sb.append(",\"workStoppedNanos\":").append(c.workStoppedNanos());
      sb.append(",\"hops\":[");
      for (int j = 0; j < c.hops().size(); j++) {
        Hop h = c.hops().get(j);
        if (j > 0) {
          sb.append(',');
        }
        sb.append("{\"parent\":").append(h.parent());
        sb.append(",\"segment\":\"").append(Format.json(h.segment())).append('"');
        sb.append(",\"offsetNanos\":").append(h.offsetNanos());
        sb.append(",\"woken\":");
        jsonStrings(sb, h.woken());
        sb.append(",\"kind\":\"").append(Format.json(h.kind())).append('"');
        sb.append(",\"service\":\"").append(Format.json(h.service())).append('"');
        sb.append(",\"thread\":\"").append(Format.json(h.thread())).append('"');
        sb.append(",\"detail\":\"").append(Format.json(h.detail())).append('"');
        sb.append('}');
      }
      sb.append("]}");
    }
    sb.append(']');
  }

  private static void jsonStrings(StringBuilder sb, List<String> list) {
    sb.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"').append(Format.json(list.get(i))).append('"');
    }
    sb.append(']');
  }

  // ---- HTML
  // --------------------------------------------------------------------------------------

  /** One self-contained HTML page with SVG drawings; see {@link HtmlPage}. */
  public static String html(Snapshot s) {
    return HtmlPage.render(s);
  }
}
