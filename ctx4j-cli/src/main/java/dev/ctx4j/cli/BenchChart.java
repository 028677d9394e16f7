package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchTable.Figure;
import dev.ctx4j.cli.BenchTable.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained SVG chart of a run's table: per shape, ctx4j's figure over each peer's (Go,
 * grpc-java, Kotlin coroutines, the JDK's StructuredTaskScope), one horizontal bar per measured
 * ratio, drawn from 1× on a log axis (left of 1× ctx4j is faster), each target drawn as a black
 * line across its bar. Drawn from the same {@link BenchTable} as the text and Markdown report (ADR
 * 0140).
 */
final class BenchChart {
  private BenchChart() {}

  /** Where {@code ctx4j bench} writes the chart, relative to the repository. */
  static final String FILE = "docs/bench-ratios.svg";

  /** A peer drawn in the chart: its impl name in the table, its legend label, its colour. */
  record Peer(String impl, String label, String colour) {}

  static final List<Peer> PEERS =
      List.of(
          new Peer(BenchTable.GO, "Go 1.19", "#00a3c4"),
          new Peer(BenchTable.GRPC, "grpc-java", "#2e9e5b"),
          new Peer(BenchTable.KOTLIN, "Kotlin coroutines", "#7f52ff"),
          new Peer(BenchTable.JDK, "JDK 25 StructuredTaskScope", "#e76f00"));

  /** One bar: a row, a peer, ctx4j's figure over the peer's, the target's limit (NaN if none). */
  record Bar(Row row, Peer peer, double ratio, double limit) {}

  static final int WIDTH = 960;
  static final int LABEL_WIDTH = 330;
  static final int PLOT_LEFT = LABEL_WIDTH + 10;
  static final int PLOT_RIGHT = WIDTH - 70;
  static final int BAR_HEIGHT = 9;
  static final int GROUP_GAP = 7;
  static final int TOP = 92;

  /** The bars of a table: every row with a ctx4j figure, every peer measured on it. */
  static List<Bar> bars(BenchTable table, BenchTargets targets) {
    List<Bar> bars = new ArrayList<>();
    for (Row r : table.rows.values()) {
      Figure mine = r.get(BenchTable.CTX4J);
      if (mine == null) {
        continue;
      }
      for (Peer p : PEERS) {
        Figure theirs = r.get(p.impl());
        if (theirs != null && theirs.value() > 0) {
          bars.add(new Bar(r, p, mine.value() / theirs.value(), targets.limitFor(r, p.impl())));
        }
      }
    }
    return bars;
  }

  /** The log axis: whole decades from {@code lo} to {@code hi}, always including 0.1× to 10×. */
  record Axis(int loExp, int hiExp) {
    static Axis of(List<Bar> bars) {
      double min = 0.1;
      double max = 10;
      for (Bar b : bars) {
        for (double v : new double[] {b.ratio(), b.limit()}) {
          if (v > 0 && Double.isFinite(v)) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
        }
      }
      int lo = Math.max(-4, (int) Math.floor(Math.log10(min)));
      int hi = Math.min(4, (int) Math.ceil(Math.log10(max)));
      return new Axis(lo, hi);
    }

    /** The x coordinate of a ratio; ratios beyond the axis are drawn at its ends. */
    double x(double ratio) {
      double e = ratio > 0 ? Math.log10(ratio) : loExp;
      e = Math.max(loExp, Math.min(hiExp, e));
      return PLOT_LEFT + (e - loExp) / (hiExp - loExp) * (PLOT_RIGHT - PLOT_LEFT);
    }
  }

  static String svg(BenchTable table, BenchTargets targets) {
    List<Bar> bars = bars(table, targets);
    Axis axis = Axis.of(bars);
    List<List<Bar>> groups = new ArrayList<>();
    for (Bar b : bars) {
      if (groups.isEmpty() || groups.get(groups.size() - 1).get(0).row() != b.row()) {
        groups.add(new ArrayList<>());
      }
      groups.get(groups.size() - 1).add(b);
    }
    int plotHeight = 0;
    for (List<Bar> g : groups) {
      plotHeight += g.size() * BAR_HEIGHT + GROUP_GAP;
    }
    int height = TOP + plotHeight + 40;
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n",
            WIDTH,
            height,
            WIDTH,
            height));
    sb.append("<title>ctx4j's time over each peer's, per shape (log scale)</title>\n");
    sb.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">ctx4j's time over"
                + " each peer's, per shape (log scale)</text>\n"));
    sb.append(
        "<text x=\"10\" y=\"38\" fill=\"#444\">Left of 1×: ctx4j is faster. Black line: the"
            + " target. Figures: BENCHMARKS.md.</text>\n");
    int lx = 10;
    for (Peer p : PEERS) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"legend\" x=\"%d\" y=\"50\" width=\"12\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"59\">%s</text>\n",
              lx,
              p.colour(),
              lx + 16,
              esc(p.label())));
      lx += 26 + 7 * p.label().length();
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"55\" x2=\"%d\" y2=\"55\" stroke=\"#000\" stroke-width=\"2\"/>"
                + "<text x=\"%d\" y=\"59\">target</text>\n",
            lx,
            lx + 12,
            lx + 16));
    int bottom = TOP + plotHeight;
    for (int e = axis.loExp(); e <= axis.hiExp(); e++) {
      double x = axis.x(Math.pow(10, e));
      String label = decade(e);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\""
                  + " stroke-width=\"%s\"/>\n",
              x,
              TOP - 6,
              x,
              bottom,
              e == 0 ? "#333" : "#ccc",
              e == 0 ? "1.5" : "1"));
      for (int y : new int[] {TOP - 10, bottom + 14}) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                x,
                y,
                label));
      }
    }
    double one = axis.x(1);
    int y = TOP;
    for (List<Bar> g : groups) {
      Row row = g.get(0).row();
      double labelY = y + g.size() * BAR_HEIGHT / 2.0 + 4;
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              LABEL_WIDTH,
              labelY,
              esc(row.name())));
      for (Bar b : g) {
        double x = axis.x(b.ratio());
        double left = Math.min(x, one);
        double w = Math.max(1, Math.abs(x - one));
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s vs %s: %s</title></rect>\n",
                left,
                y,
                w,
                BAR_HEIGHT - 1,
                b.peer().colour(),
                esc(row.name()),
                esc(b.peer().label()),
                ratioText(b.ratio())));
        boolean rightOfOne = b.ratio() >= 1;
        sb.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"%s\" fill=\"#333\">%s"
                    + "</text>\n",
                rightOfOne ? Math.max(x, one) + 3 : Math.min(x, one) - 3,
                y + BAR_HEIGHT - 2,
                rightOfOne ? "start" : "end",
                ratioText(b.ratio())));
        if (Double.isFinite(b.limit())) {
          double tx = axis.x(b.limit());
          sb.append(
              String.format(
                  Locale.ROOT,
                  "<line class=\"target\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\""
                      + " stroke-width=\"2\"/>\n",
                  tx,
                  y - 1,
                  tx,
                  y + BAR_HEIGHT));
        }
        y += BAR_HEIGHT;
      }
      y += GROUP_GAP;
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  static void write(BenchTable table, BenchTargets targets, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, svg(table, targets), StandardCharsets.UTF_8);
  }

  static String decade(int e) {
    return e >= 0
        ? String.format(Locale.ROOT, "%d×", (long) Math.pow(10, e))
        : String.format(Locale.ROOT, "%." + Math.abs(e) + "f×", Math.pow(10, e));
  }

  static String ratioText(double r) {
    return String.format(Locale.ROOT, r < 0.01 ? "%.3f×" : "%.2f×", r);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
