package dev.ctx4j.observe;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One chain as a drawing: a lane per service (in the order the request reached them) and a lane for
 * the database; one row per hop in time order, each a dot in its lane labelled with its offset,
 * what happened and the thread; an arrow from the hop that caused it (blue for the request
 * travelling down, red for the cancel travelling back); stopped work marked with a square. Plain
 * SVG, no script, no external asset.
 */
final class LanePicture {
  static final int LANE_W = 300;
  static final int ROW_H = 36;
  static final int TOP = 44;
  static final int MAX_ROWS = 60;

  private LanePicture() {}

  static String svg(Chain c) {
    List<String> lanes = lanes(c);
    List<Hop> hops = c.hops();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < hops.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingLong((Integer i) -> hops.get(i).offsetNanos()).thenComparing(i -> i));
    if (order.size() > MAX_ROWS) {
      order = new ArrayList<>(order.subList(0, MAX_ROWS));
    }
    int[] row = new int[hops.size()];
    java.util.Arrays.fill(row, -1);
    for (int r = 0; r < order.size(); r++) {
      row[order.get(r)] = r;
    }
    int width = Math.max(1, lanes.size()) * LANE_W;
    int height = TOP + order.size() * ROW_H + 16;
    StringBuilder sb = new StringBuilder();
    sb.append("<svg class=\"lanes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width);
    sb.append("\" height=\"").append(height).append("\">\n");
    sb.append("<defs><marker id=\"arrow-").append(c.id()).append("\" viewBox=\"0 0 10 10\"");
    sb.append(" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">");
    sb.append("<path d=\"M0 0L10 5L0 10z\" fill=\"#616161\"/></marker></defs>\n");
    for (int l = 0; l < lanes.size(); l++) {
      int x = l * LANE_W;
      String name = lanes.get(l);
      boolean db = name.equals(Trace.DATABASE);
      sb.append("<g class=\"lane").append(db ? " database" : "").append("\" data-lane=\"");
      sb.append(Format.xml(name)).append("\">");
      sb.append("<rect x=\"").append(x + 4).append("\" y=\"4\" width=\"").append(LANE_W - 8);
      sb.append("\" height=\"").append(height - 8).append("\" rx=\"6\"/>");
      sb.append("<text class=\"lane-name\" x=\"").append(x + LANE_W / 2).append("\" y=\"24\">");
      sb.append(Format.xml(name.isEmpty() ? "(this process)" : name)).append("</text></g>\n");
    }
    for (int i : order) {
      Hop h = hops.get(i);
      if (h.parent() >= 0 && h.parent() < hops.size() && row[h.parent()] >= 0) {
        Hop p = hops.get(h.parent());
        boolean request = h.kind().equals(HopKind.REQUEST_SENT.label());
        sb.append("<path class=\"arrow ").append(request ? "request" : "cancel");
        sb.append("\" marker-end=\"url(#arrow-").append(c.id()).append(")\" d=\"M");
        sb.append(cx(lanes, p)).append(' ').append(cy(row[h.parent()])).append(" L");
        sb.append(cx(lanes, h) - (cx(lanes, h) == cx(lanes, p) ? 0 : 7)).append(' ');
        sb.append(cy(row[i]) - (cx(lanes, h) == cx(lanes, p) ? 7 : 0)).append("\"/>\n");
      }
    }
    for (int i : order) {
      hop(sb, lanes, hops.get(i), row[i]);
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void hop(StringBuilder sb, List<String> lanes, Hop h, int r) {
    int x = cx(lanes, h);
    int y = cy(r);
    boolean origin =
        h.kind().equals(HopKind.CANCELLED.label()) || h.kind().equals(HopKind.DEADLINE.label());
    String cls =
        h.stopsWork()
            ? "stop"
            : h.kind().equals(HopKind.REQUEST_SENT.label())
                ? "request"
                : origin ? "origin" : "reached";
    sb.append("<g class=\"lane-hop ").append(cls).append("\" data-service=\"");
    sb.append(Format.xml(h.service())).append("\" data-kind=\"").append(Format.xml(h.kind()));
    sb.append("\">");
    if (h.stopsWork()) {
      sb.append("<rect x=\"").append(x - 6).append("\" y=\"").append(y - 6);
      sb.append("\" width=\"12\" height=\"12\"/>");
    } else {
      sb.append("<circle cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"");
      sb.append(origin ? 8 : 5).append("\"/>");
    }
    String offset = (h.offsetNanos() < 0 ? "-" : "+") + Format.duration(Math.abs(h.offsetNanos()));
    String what =
        h.kind().equals(HopKind.REACHED.label()) ? h.segment() : h.kind() + " " + h.segment();
    sb.append("<text class=\"what\" x=\"").append(x + 12).append("\" y=\"").append(y - 2);
    sb.append("\">").append(Format.xml(clip(offset + " " + what.strip(), 40))).append("</text>");
    String who = h.thread();
    if (!h.woken().isEmpty()) {
      who = who + (who.isEmpty() ? "" : " · ") + "woke " + String.join(", ", h.woken());
    }
    sb.append("<text class=\"who\" x=\"").append(x + 12).append("\" y=\"").append(y + 11);
    sb.append("\">").append(Format.xml(clip(who, 44))).append("</text></g>\n");
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static int cx(List<String> lanes, Hop h) {
    int l = lanes.indexOf(h.service());
    return (l < 0 ? 0 : l) * LANE_W + 22;
  }

  private static int cy(int row) {
    return TOP + row * ROW_H + 14;
  }

  /** The services in the order the chain reached them, then the database. */
  static List<String> lanes(Chain c) {
    List<String> lanes = new ArrayList<>();
    boolean db = false;
    for (Hop h : c.hops()) {
      if (h.service().equals(Trace.DATABASE)) {
        db = true;
      } else if (!lanes.contains(h.service())) {
        lanes.add(h.service());
      }
    }
    if (db) {
      lanes.add(Trace.DATABASE);
    }
    return lanes;
  }

  static final String CSS =
      """
      svg.lanes g.lane rect { fill: #fafafa; stroke: #e0e0e0; }
      svg.lanes g.lane.database rect { fill: #f3e5f5; stroke: #ce93d8; }
      svg.lanes text.lane-name { text-anchor: middle; font-weight: 600; fill: #424242; }
      svg.lanes path.arrow { fill: none; stroke-width: 1.6; }
      svg.lanes path.arrow.request { stroke: #1565c0; stroke-dasharray: 5 3; }
      svg.lanes path.arrow.cancel { stroke: #c62828; }
      svg.lanes g.lane-hop circle { fill: #ffebee; stroke: #c62828; stroke-width: 1.5; }
      svg.lanes g.lane-hop.origin circle { fill: #c62828; }
      svg.lanes g.lane-hop.request circle { fill: #e3f2fd; stroke: #1565c0; }
      svg.lanes g.lane-hop.stop rect { fill: #b71c1c; }
      svg.lanes text.what { font-size: 11px; fill: #212121; }
      svg.lanes text.who { font-size: 10px; fill: #757575; }
      """;
}
