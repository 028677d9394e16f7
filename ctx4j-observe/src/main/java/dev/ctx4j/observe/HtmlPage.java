package dev.ctx4j.observe;

import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.Node;
import dev.ctx4j.observe.ContextTree.Snapshot;
import dev.ctx4j.observe.ContextTree.State;
import java.util.List;

/**
 * The one-page view: the live tree as an SVG whose subtrees collapse on click, then each chain as
 * an SVG from its origin through every hop (with its latency) to the threads it woke. No external
 * asset: styles and the small script are inline. The page is well-formed XML as well as HTML.
 */
final class HtmlPage {
  static final int ROW = 30;
  static final int INDENT = 26;
  static final int BOX_H = 22;
  static final double CHAR_W = 7.3;

  private HtmlPage() {}

  static String render(Snapshot s) {
    StringBuilder sb = new StringBuilder(8_192);
    sb.append(
        "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n");
    sb.append(
        "<meta charset=\"utf-8\"/>\n<title>ctx4j: context tree and propagation chains</title>\n");
    sb.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    sb.append("<h1>ctx4j: context tree and propagation chains</h1>\n");
    sb.append("<p class=\"summary\" id=\"summary\">").append(s.live()).append(" live contexts");
    if (s.omitted() > 0) {
      sb.append(", ").append(s.omitted()).append(" not shown");
    }
    sb.append(", ").append(s.chains().size()).append(" recent chains; taken at ");
    sb.append(Format.xml(s.takenAt().toString())).append("</p>\n");
    sb.append("<p class=\"legend\"><span class=\"key live\">live</span> ");
    sb.append("<span class=\"key cancelled\">cancelled</span> ");
    sb.append("<span class=\"key deadline\">deadline exceeded</span> ");
    sb.append(
        "<span class=\"key thread\">woken thread</span> click a node to fold its subtree</p>\n");
    sb.append("<section id=\"chains\">\n<h2>Propagation chains</h2>\n");
    if (s.chains().isEmpty()) {
      sb.append("<p class=\"empty\">No chain recorded yet.</p>\n");
    }
    for (Chain c : s.chains()) {
      chain(sb, c);
    }
    sb.append("</section>\n<section id=\"tree\">\n<h2>Live tree</h2>\n");
    tree(sb, s.roots());
    sb.append("</section>\n<script>//<![CDATA[\n").append(SCRIPT).append("//]]></script>\n");
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  private static String cls(State s) {
    return switch (s) {
      case LIVE -> "live";
      case CANCELLED -> "cancelled";
      case DEADLINE_EXCEEDED -> "deadline";
    };
  }

  private static int width(String label) {
    return (int) Math.ceil(label.length() * CHAR_W) + 30;
  }

  // ---- the tree
  // ----------------------------------------------------------------------------------

  private static final class Layout {
    int row;
    int maxX;
  }

  private static void tree(StringBuilder sb, List<Node> roots) {
    StringBuilder body = new StringBuilder();
    Layout l = new Layout();
    for (Node r : roots) {
      treeNode(body, r, null, 0, -1, -1, "root", l);
    }
    sb.append("<svg id=\"tree-svg\" class=\"tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    sb.append(Math.max(l.maxX + 20, 200)).append("\" height=\"").append(16 + l.row * ROW);
    sb.append("\">\n").append(body).append("</svg>\n");
  }

  private static void treeNode(
      StringBuilder sb, Node n, String parentId, int depth, int px, int py, String cls, Layout l) {
    String id = "t" + (n.id() <= 0 ? "r" + -n.id() : n.id());
    int x = 10 + depth * INDENT;
    int y = 8 + l.row++ * ROW;
    StringBuilder label = new StringBuilder(n.segment());
    if (depth > 0) {
      label.append(" · ").append(Render.stateWord(n.state()));
    }
    if (n.remaining() != null) {
      label.append(" · ").append(Format.duration(n.remaining().toNanos())).append(" left");
    }
    if (!n.waiters().isEmpty()) {
      label.append(" · waiters: ").append(String.join(", ", n.waiters()));
    }
    int w = width(label.toString());
    l.maxX = Math.max(l.maxX, x + w + (n.site().isEmpty() ? 0 : width(n.site())));
    boolean parent = !n.children().isEmpty();
    sb.append("<g class=\"node ").append(cls).append(parent ? " parent" : "").append("\" id=\"");
    sb.append(id).append("\" data-parent=\"").append(parentId == null ? "" : parentId);
    sb.append("\" data-depth=\"").append(depth).append("\" transform=\"translate(").append(x);
    sb.append(',').append(y).append(")\">");
    if (parentId != null) {
      sb.append("<path class=\"edge\" d=\"M").append(px + 10 - x).append(' ');
      sb.append(py + BOX_H - y).append("V11H0\"/>");
    }
    sb.append("<rect class=\"box\" width=\"").append(w).append("\" height=\"").append(BOX_H);
    sb.append("\" rx=\"5\"/>");
    if (parent) {
      sb.append("<text class=\"toggle\" x=\"6\" y=\"15\">▾</text>");
    }
    sb.append("<text class=\"label\" x=\"20\" y=\"15\">").append(Format.xml(label.toString()));
    sb.append("</text>");
    if (!n.site().isEmpty()) {
      sb.append("<text class=\"site\" x=\"").append(w + 8).append("\" y=\"15\">");
      sb.append(Format.xml(n.site())).append("</text>");
    }
    sb.append("<title>").append(Format.xml(Render.nodeLine(n))).append("</title></g>\n");
    for (Node c : n.children()) {
      treeNode(sb, c, id, depth + 1, x, y, cls(c.state()), l);
    }
  }

  // ---- a chain
  // -----------------------------------------------------------------------------------

  private static void chain(StringBuilder sb, Chain c) {
    String cls = cls(c.state());
    sb.append("<div class=\"chain ").append(cls).append("\" id=\"chain-").append(c.id());
    sb.append("\">\n<h3 class=\"origin\">#").append(c.id()).append(' ');
    sb.append(Format.xml(Render.chainHeadline(c))).append("</h3>\n");
    sb.append("<p class=\"cause\">origin: ").append(Format.xml(Render.shortPath(c.origin())));
    sb.append(" · cause: ").append(Format.xml(c.cause())).append("</p>\n");
    sb.append(LanePicture.svg(c));
    List<Hop> hops = c.hops();
    List<List<Integer>> kids = Render.hopChildren(hops);
    StringBuilder body = new StringBuilder();
    Layout l = new Layout();
    for (int i = 0; i < hops.size(); i++) {
      if (hops.get(i).parent() < 0) {
        hop(body, c, i, kids, 0, -1, -1, l, cls);
      }
    }
    sb.append("<svg class=\"chain-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    sb.append(Math.max(l.maxX + 20, 200)).append("\" height=\"").append(16 + l.row * ROW);
    sb.append("\">\n").append(body).append("</svg>\n");
    int kept = hops.size() - 1;
    if (c.descendants() > kept && kept >= 0) {
      sb.append("<p class=\"more\">").append(c.descendants() - kept);
      sb.append(" more hops not kept</p>\n");
    }
    sb.append("</div>\n");
  }

  private static void hop(
      StringBuilder sb,
      Chain c,
      int i,
      List<List<Integer>> kids,
      int depth,
      int px,
      int py,
      Layout l,
      String cls) {
    Hop h = c.hops().get(i);
    int x = 10 + depth * INDENT;
    int y = 8 + l.row++ * ROW;
    String label =
        (h.parent() < 0 ? "origin: " : "") + h.segment() + " · " + Format.offset(h.offsetNanos());
    int w = width(label);
    sb.append("<g class=\"hop ").append(cls).append(h.parent() < 0 ? " origin" : "");
    sb.append("\" transform=\"translate(").append(x).append(',').append(y).append(")\">");
    if (px >= 0) {
      sb.append("<path class=\"edge\" d=\"M").append(px + 10 - x).append(' ');
      sb.append(py + BOX_H - y).append("V11H0\"/>");
    }
    sb.append("<rect class=\"box\" width=\"").append(w).append("\" height=\"").append(BOX_H);
    sb.append("\" rx=\"5\"/><text class=\"label\" x=\"10\" y=\"15\">").append(Format.xml(label));
    sb.append("</text>");
    int tx = w + 24;
    for (String t : h.woken()) {
      int tw = width("woke " + t);
      sb.append("<path class=\"wake\" d=\"M").append(tx - 24).append(" 11H").append(tx);
      sb.append("\"/><g class=\"thread\" transform=\"translate(").append(tx).append(",0)\">");
      sb.append("<rect width=\"").append(tw).append("\" height=\"").append(BOX_H);
      sb.append("\" rx=\"11\"/><text x=\"12\" y=\"15\">woke ").append(Format.xml(t));
      sb.append("</text></g>");
      tx += tw + 24;
    }
    l.maxX = Math.max(l.maxX, x + tx);
    sb.append("</g>\n");
    for (int k : kids.get(i)) {
      hop(sb, c, k, kids, depth + 1, x, y, l, cls);
    }
  }

  static final String CSS =
      LanePicture.CSS
          + """
      body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #212121; }
      h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; } h3 { font-size: 13px; font-weight: 600; }
      svg { display: block; margin: 6px 0 14px 0; }
      svg text { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; }
      text.toggle { fill: #424242; } text.site { fill: #757575; }
      g.node.parent { cursor: pointer; }
      rect.box { stroke-width: 1.2; }
      g.root rect.box { fill: #eeeeee; stroke: #616161; }
      g.live rect.box { fill: #e8f5e9; stroke: #2e7d32; }
      g.cancelled rect.box { fill: #ffebee; stroke: #c62828; }
      g.deadline rect.box { fill: #fff3e0; stroke: #ef6c00; }
      g.origin rect.box { stroke-width: 2.4; }
      g.collapsed rect.box { stroke-dasharray: 4 2; }
      path.edge { fill: none; stroke: #9e9e9e; }
      path.wake { fill: none; stroke: #1565c0; stroke-dasharray: 3 3; }
      g.thread rect { fill: #e3f2fd; stroke: #1565c0; }
      .chain { border-left: 4px solid #c62828; padding-left: 12px; margin-bottom: 18px; }
      .chain.deadline { border-left-color: #ef6c00; }
      .legend .key { display: inline-block; padding: 1px 8px; border-radius: 4px; border: 1px solid; margin-right: 6px; font-size: 12px; }
      .key.live { background: #e8f5e9; border-color: #2e7d32; } .key.cancelled { background: #ffebee; border-color: #c62828; }
      .key.deadline { background: #fff3e0; border-color: #ef6c00; } .key.thread { background: #e3f2fd; border-color: #1565c0; border-radius: 10px; }
      .summary, .more, .empty { color: #616161; font-size: 13px; }
      """;

  static final String SCRIPT =
      """
      (function () {
        var svg = document.getElementById('tree-svg');
        if (!svg) { return; }
        var nodes = Array.prototype.slice.call(svg.querySelectorAll('g.node'));
        var byId = {};
        nodes.forEach(function (n) { byId[n.id] = n; });
        function hidden(n) {
          var p = n.getAttribute('data-parent');
          while (p) {
            var pn = byId[p];
            if (pn.classList.contains('collapsed')) { return true; }
            p = pn.getAttribute('data-parent');
          }
          return false;
        }
        function layout() {
          var row = 0, pos = {}, maxX = 0;
          nodes.forEach(function (n) {
            if (hidden(n)) { n.style.display = 'none'; return; }
            n.style.display = '';
            var x = 10 + (+n.getAttribute('data-depth')) * %d, y = 8 + row * %d;
            row++;
            pos[n.id] = [x, y];
            n.setAttribute('transform', 'translate(' + x + ',' + y + ')');
            var p = n.getAttribute('data-parent'), e = n.querySelector('path.edge');
            if (p && e && pos[p]) {
              e.setAttribute('d', 'M' + (pos[p][0] + 10 - x) + ' ' + (pos[p][1] + %d - y) + 'V11H0');
            }
            var r = n.getBBox();
            if (x + r.width > maxX) { maxX = x + r.width; }
          });
          svg.setAttribute('height', 16 + row * %d);
          svg.setAttribute('width', Math.max(maxX + 20, 200));
        }
        nodes.forEach(function (n) {
          if (!n.classList.contains('parent')) { return; }
          n.addEventListener('click', function (ev) {
            ev.stopPropagation();
            n.classList.toggle('collapsed');
            n.querySelector('text.toggle').textContent = n.classList.contains('collapsed') ? '▸' : '▾';
            layout();
          });
        });
        layout();
      })();
      """
          .formatted(INDENT, ROW, BOX_H, ROW);
}
