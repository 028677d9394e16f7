package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchTable.Figure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Results table of a BENCHMARKS.md back into a {@link BenchTable}, so that {@code ctx4j
 * bench --chart-only} redraws the chart from the published figures without measuring anything.
 * Columns are found by their header; a row named {@code bench (floor)} is the floor's.
 */
final class BenchMarkdown {
  private BenchMarkdown() {}

  private static final Pattern FIGURE =
      Pattern.compile("([0-9.]+) (ns|µs|us|ms|s)?(\\S*?)(?: \\[([0-9.]+)–([0-9.]+)])?");

  /** The impl of each figure column, by its header in the table. */
  private static final Map<String, String> COLUMNS =
      Map.of(
          "ctx4j", BenchTable.CTX4J,
          "grpc", BenchTable.GRPC,
          "Go 1.19", BenchTable.GO,
          "Kotlin", BenchTable.KOTLIN,
          "JDK 25", BenchTable.JDK);

  /** The table under {@code ## Results}; empty when the file has none. */
  static BenchTable read(List<String> lines) {
    BenchTable t = new BenchTable();
    int at = lines.indexOf("## Results");
    if (at < 0) {
      return t;
    }
    List<String> header = null;
    for (String line : lines.subList(at + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (!line.startsWith("|") || line.startsWith("|---")) {
        continue;
      }
      List<String> cells = cells(line);
      if (header == null) {
        header = cells;
        continue;
      }
      String bench = cells.get(0);
      boolean floor = bench.endsWith(" (floor)");
      bench = floor ? bench.substring(0, bench.length() - " (floor)".length()) : bench;
      for (int i = 2; i < Math.min(cells.size(), header.size()); i++) {
        String impl = COLUMNS.get(header.get(i));
        Figure f = figure(cells.get(i));
        if (impl != null && f != null) {
          t.put(
              bench,
              cells.get(1),
              floor && impl.equals(BenchTable.CTX4J) ? "floor" : impl,
              f,
              null);
        }
      }
    }
    return t;
  }

  private static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
    for (String c : inner.split("\\|", -1)) {
      out.add(c.strip());
    }
    return out;
  }

  /**
   * "646 ns/op", "24.4 µs/op", "1.36 ms/child", "40.2 B/ctx" as the report shows them; a median of
   * shots, "28.90 ms/op [27.10–31.00]", keeps its spread (the shot count is not shown, so 0).
   */
  static Figure figure(String cell) {
    Matcher m = FIGURE.matcher(cell);
    if (!m.matches()) {
      return null;
    }
    double v = Double.parseDouble(m.group(1));
    String scale = m.group(2);
    if (scale == null) {
      return new Figure(v, m.group(3));
    }
    double factor =
        switch (scale) {
          case "µs", "us" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          default -> 1;
        };
    String unit = "ns" + m.group(3);
    if (m.group(4) != null) {
      return Figure.ofShots(
          v * factor,
          unit,
          Double.parseDouble(m.group(4)) * factor,
          Double.parseDouble(m.group(5)) * factor,
          0);
    }
    return new Figure(v * factor, unit);
  }
}
