package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchTable.Figure;
import dev.ctx4j.cli.BenchTable.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table, as text for the console and as Markdown for BENCHMARKS.md. */
final class BenchReport {
  private BenchReport() {}

  static final List<String> HEADER =
      List.of(
          "benchmark",
          "params",
          "ctx4j",
          "grpc",
          "Go 1.19",
          "ctx4j/grpc",
          "ctx4j/Go",
          "Kotlin",
          "JDK 25",
          "ctx4j/Kotlin",
          "ctx4j/JDK");

  static List<List<String>> cells(BenchTable table) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : table.rows.values()) {
      Figure mine = r.get(BenchTable.CTX4J);
      Figure floor = r.get(BenchTable.FLOOR);
      Figure grpc = r.get(BenchTable.GRPC);
      Figure go = r.get(BenchTable.GO);
      Figure kotlin = r.get(BenchTable.KOTLIN);
      Figure jdk = r.get(BenchTable.JDK);
      String bench = floor != null && mine == null ? r.bench + " (floor)" : r.bench;
      Figure shown = mine != null ? mine : floor;
      out.add(
          List.of(
              bench,
              r.params,
              show(shown),
              show(grpc),
              go == null ? (floor != null && mine == null ? "" : "—") : show(go),
              ratio(shown, grpc),
              ratio(shown, go),
              show(kotlin),
              show(jdk),
              ratio(shown, kotlin),
              ratio(shown, jdk)));
    }
    return out;
  }

  /**
   * A figure as the table shows it, e.g. {@code 646 ns/op}; a median of shots is followed by its
   * p10–p90 spread in the same scale, e.g. {@code 28.90 ms/op [27.10–31.00]}.
   */
  static String show(Figure f) {
    if (f == null) {
      return "";
    }
    double v = f.value();
    String unit = f.unit();
    if (!unit.startsWith("ns/")) {
      return String.format(Locale.ROOT, "%.1f %s", v, unit);
    }
    String per = unit.substring(2);
    double scale;
    String name;
    String pattern;
    if (v >= 1e6) {
      scale = 1e6;
      name = "ms";
      pattern = "%.2f";
    } else if (v >= 1e4) {
      scale = 1e3;
      name = "µs";
      pattern = "%.1f";
    } else if (v >= 100) {
      scale = 1;
      name = "ns";
      pattern = "%.0f";
    } else {
      scale = 1;
      name = "ns";
      pattern = "%.2f";
    }
    String shown = String.format(Locale.ROOT, pattern, v / scale) + " " + name + per;
    if (f.hasSpread()) {
      shown +=
          " ["
              + String.format(Locale.ROOT, pattern, f.low() / scale)
              + "–"
              + String.format(Locale.ROOT, pattern, f.high() / scale)
              + "]";
    }
    return shown;
  }

  static String ratio(Figure a, Figure b) {
    if (a == null || b == null || b.value() == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "%.2f×", a.value() / b.value());
  }

  static String render(BenchRun run) {
    List<List<String>> rows = cells(run.table());
    int[] w = new int[HEADER.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = HEADER.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendText(sb, HEADER, w);
    for (List<String> r : rows) {
      appendText(sb, r, w);
    }
    if (run.goVersion().equals(BenchRun.NOT_MEASURED)) {
      sb.append("Go: not measured (no go binary)\n");
    }
    return sb.toString();
  }

  private static void appendText(StringBuilder sb, List<String> cells, int[] w) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      boolean right = i >= 2;
      String pad = " ".repeat(w[i] - c.length());
      sb.append(right ? pad + c : c + pad).append(i + 1 < cells.size() ? "  " : "\n");
    }
  }

  /** Rewrites {@code md}; everything from its {@code ## Notes} heading on is kept as it was. */
  static void writeMarkdown(
      BenchRun run,
      Path md,
      String loadBefore,
      String loadAfter,
      long seconds,
      List<String> targetLines)
      throws IOException {
    String notes = "";
    if (Files.isRegularFile(md)) {
      String old = Files.readString(md, StandardCharsets.UTF_8);
      int at = old.indexOf("\n## Notes");
      if (at >= 0) {
        notes = old.substring(at + 1);
      }
    }
    BenchCommand.Settings s = run.settings();
    StringBuilder sb = new StringBuilder();
    sb.append("# ctx4j benchmarks\n\n");
    sb.append("Written by `./ctx4j bench")
        .append(s.equals(BenchCommand.Settings.FULL) ? " --full" : "")
        .append("` on ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" (")
        .append(s.name())
        .append(" pass, ")
        .append(seconds / 60)
        .append(" min ")
        .append(seconds % 60)
        .append(" s). ctx4j, grpc-java's `io.grpc.Context`, Go, kotlinx.coroutines and the JDK's")
        .append(
            " `StructuredTaskScope` were measured in the same run on the same machine. Lower is")
        .append(" better; ratios below 1 mean ctx4j is faster.\n\n");
    sb.append("![ctx4j's time as a share of each peer's, per shape, log scale, targets drawn](")
        .append(BenchChart.FILE)
        .append(")\n\n");
    sb.append("| | |\n|---|---|\n");
    sb.append("| machine | ").append(machine()).append(" |\n");
    sb.append("| load average (1/5/15 min) | before ")
        .append(loadBefore)
        .append(", after ")
        .append(loadAfter)
        .append(" |\n");
    sb.append("| JDK | ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" (`")
        .append(run.javaBinary())
        .append("`) |\n");
    sb.append("| Go | ").append(run.goVersion()).append(" |\n");
    sb.append("| grpc-java | io.grpc:grpc-context / grpc-api (version in ctx4j-bench/pom.xml) |\n");
    sb.append("| Kotlin | org.jetbrains.kotlinx:kotlinx-coroutines-core-jvm (version in")
        .append(" ctx4j-bench/pom.xml), called from Java (ADR 0140) |\n");
    sb.append("| JDK 25 | `StructuredTaskScope` (preview): compiled with `--release 25")
        .append(" --enable-preview`, its own fork with `--enable-preview` (ADR 0140) |\n");
    sb.append("| JMH 1.37, timed benchmarks | `")
        .append(String.join(" ", s.timed()))
        .append("` (2-thread shapes in throughput mode, shown as ns per operation as Go's")
        .append(" `RunParallel` reports them) |\n");
    sb.append("| JMH fork JVM options (every fork) | `-jvmArgsPrepend \"")
        .append(BenchRun.FORK_HEAP)
        .append("\"` |\n");
    sb.append("| JMH 1.37, single-shot (wake, fanoutCancel, floorUnpark, groupFailure) | `")
        .append(String.join(" ", s.singleShot()))
        .append("`; the figure is the median of every measured shot of every fork, [p10–p90] of")
        .append(" those shots after it; ratios and targets use the medians |\n");
    sb.append("| Go settings | `-benchtime ")
        .append(s.goBenchtime())
        .append("`; wake and fan-out `-benchtime ")
        .append(s.goHeavyBenchtime())
        .append("`; GOMAXPROCS = cores |\n\n");
    sb.append("## Results\n\n");
    sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    sb.append("|---|---|").append("---:|".repeat(HEADER.size() - 2)).append('\n');
    for (List<String> r : cells(run.table())) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    sb.append("\n## Targets\n\n");
    for (String t : targetLines) {
      sb.append(t.startsWith("targets:") ? t + "\n\n" : "- " + t + "\n");
    }
    if (!run.problems().isEmpty()) {
      sb.append("\n## Problems in this run\n\n");
      run.problems().forEach(p -> sb.append("- ").append(p).append('\n'));
    }
    sb.append('\n');
    sb.append(notes.isEmpty() ? defaultNotes() : notes);
    Files.writeString(md, sb.toString(), StandardCharsets.UTF_8);
  }

  static String defaultNotes() {
    return "## Notes\n\n"
        + "- Shapes: `GoParityBenchmark` ports Go's `src/context/benchmark_test.go`;"
        + " `PropagationBenchmark` adds wake, fan-out, timers and churn; `FloorBenchmark` holds"
        + " the floors; `Grpc*Benchmark` run the same shapes on grpc-java; `ctx4j-bench/go` runs"
        + " them on Go.\n";
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep "unknown CPU"
    }
    String mem = "";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(BenchParsers.SPACES.split(line.trim(), -1)[1]);
          mem = String.format(Locale.ROOT, ", %.0f GiB RAM", kb / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no memory figure
    }
    return cpu
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores"
        + mem
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version");
  }
}
