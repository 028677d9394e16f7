package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchTable.Figure;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads JMH CSV, JMH console output, Go bench output and footprint lines into a table. */
final class BenchParsers {
  private BenchParsers() {}

  private static final Pattern CSV_FIELD = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([^,]*)");
  private static final Pattern GO_LINE =
      Pattern.compile("^Benchmark(\\S+?)(?:-\\d+)?\\s+\\d+\\s+(.*)$");
  private static final Pattern GO_METRIC = Pattern.compile("([0-9.e+-]+) (\\S+)");
  static final Pattern SPACES = Pattern.compile("\\s+");

  static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    Matcher m = CSV_FIELD.matcher(line);
    int pos = 0;
    while (pos <= line.length() && m.find(pos)) {
      fields.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
      pos = m.end() + 1;
    }
    return fields;
  }

  /**
   * JMH's CSV result file into the table. Returns the problems: a benchmark class that {@link
   * BenchSource} does not know is left out and named.
   */
  static List<String> jmhCsv(List<String> lines, BenchTable table) {
    List<String> problems = new ArrayList<>();
    if (lines.isEmpty()) {
      return problems;
    }
    List<String> header = csvFields(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = csvFields(line);
      if (f.size() < 7) {
        continue;
      }
      String full = f.get(0);
      double score = Double.parseDouble(f.get(4));
      double error = f.get(5).isEmpty() ? Double.NaN : Double.parseDouble(f.get(5));
      String unit = f.get(6);
      TreeMap<String, String> params = new TreeMap<>();
      for (int i = 7; i < Math.min(f.size(), header.size()); i++) {
        if (!f.get(i).isEmpty()) {
          params.put(header.get(i).substring("Param: ".length()), f.get(i));
        }
      }
      double ns = toNanosPerOp(score, unit);
      double errorNs =
          Double.isFinite(error) ? Math.abs(toNanosPerOp(score + error, unit) - ns) : 0;
      put(table, problems, full, params, new Figure(ns, "ns/op", errorNs));
    }
    return problems;
  }

  /**
   * JMH's JSON result file ({@code -rf json}) of single-shot benchmarks into the table: each figure
   * is the median of every measured shot of every fork ({@code primaryMetric.rawData}, one array
   * per fork), with the 10th and 90th percentiles as its spread, so that one fork that lands in a
   * slow mode moves the spread, not the figure. Returns the problems, as {@link #jmhCsv} does.
   *
   * @throws IllegalArgumentException if the text is not JMH's JSON result format
   */
  static List<String> jmhJson(String json, BenchTable table) {
    List<String> problems = new ArrayList<>();
    if (json.isBlank()) {
      return problems;
    }
    for (Object o : list(BenchJson.parse(json), "the result file")) {
      Map<String, Object> result = map(o, "a result");
      String full = (String) result.get("benchmark");
      Map<String, Object> metric = map(result.get("primaryMetric"), "primaryMetric");
      String unit = (String) metric.get("scoreUnit");
      if (full == null || unit == null) {
        throw new IllegalArgumentException("a JMH result without benchmark or scoreUnit");
      }
      List<Double> shots = new ArrayList<>();
      for (Object fork : list(metric.get("rawData"), "rawData")) {
        for (Object shot : list(fork, "a fork of rawData")) {
          shots.add(toNanosPerOp(number(shot), unit));
        }
      }
      if (shots.isEmpty()) {
        problems.add("no measured shots in the JSON result of " + full);
        continue;
      }
      TreeMap<String, String> params = new TreeMap<>();
      Object p = result.get("params");
      if (p != null) {
        map(p, "params").forEach((k, v) -> params.put(k, String.valueOf(v)));
      }
      double[] sorted = shots.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Figure f =
          Figure.ofShots(
              percentile(sorted, 50),
              "ns/op",
              percentile(sorted, 10),
              percentile(sorted, 90),
              sorted.length);
      put(table, problems, full, params, f);
    }
    return problems;
  }

  /**
   * The {@code p}th percentile of ascending {@code sorted}, interpolated linearly between the two
   * nearest ranks (rank {@code p/100 * (n-1)}, the usual definition): the median of an even count
   * is the mean of the two middle values.
   */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }

  @SuppressWarnings("unchecked") // JSON objects are read as Map<String, Object>
  private static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return (Map<String, Object>) o;
  }

  private static List<?> list(Object o, String what) {
    if (!(o instanceof List<?> l)) {
      throw new IllegalArgumentException(what + " is not a JSON array");
    }
    return l;
  }

  private static double number(Object o) {
    if (o instanceof Double d) {
      return d;
    }
    if (o instanceof String s) { // JMH quotes NaN
      return Double.parseDouble(s);
    }
    throw new IllegalArgumentException("not a number: " + o);
  }

  /**
   * Puts one JMH figure (in ns/op) of benchmark {@code full} into the table under its source;
   * fan-out is shown per child. An unknown class is named in {@code problems} and left out.
   */
  private static void put(
      BenchTable table,
      List<String> problems,
      String full,
      Map<String, String> params,
      Figure nsPerOp) {
    String cls = full.substring(0, full.lastIndexOf('.'));
    cls = cls.substring(cls.lastIndexOf('.') + 1);
    Optional<BenchSource> source = BenchSource.ofClass(cls);
    if (source.isEmpty()) {
      String p = "unknown benchmark class " + cls + " (add it to BenchSource): " + full;
      if (!problems.contains(p)) {
        problems.add(p);
      }
      return;
    }
    String bench = source.get().bench(full.substring(full.lastIndexOf('.') + 1));
    Figure f = nsPerOp;
    if (bench.equals("fanoutCancel")) {
      f = nsPerOp.per(Double.parseDouble(params.get("children")), "ns/child");
    } else if (bench.equals("timedChurn")) {
      f = nsPerOp.per(1, "ns/ctx");
    }
    table.put(bench, paramString(params), source.get().impl, f, source.get().suite);
  }

  static double toNanosPerOp(double score, String unit) {
    return switch (unit) {
      case "ns/op" -> score;
      case "us/op" -> score * 1e3;
      case "ms/op" -> score * 1e6;
      case "s/op" -> score * 1e9;
      case "ops/s" -> 1e9 / score;
      case "ops/ms" -> 1e6 / score;
      case "ops/us" -> 1e3 / score;
      case "ops/ns" -> 1 / score;
      default -> throw new IllegalArgumentException("unknown JMH unit: " + unit);
    };
  }

  static String paramString(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return sb.toString();
  }

  /**
   * Go names: BenchmarkCancelTree/depth=1/Root=Background-2 → cancelTree depth=1 root=background.
   */
  static void goBench(List<String> lines, BenchTable table, String... skip) {
    for (String line : lines) {
      Matcher m = GO_LINE.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      String[] parts = m.group(1).split("/", -1);
      String bench = decapitalize(parts[0]);
      TreeMap<String, String> params = new TreeMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq < 0) {
          bench = bench + parts[i]; // CheckCanceled/Err → checkCanceledErr
        } else {
          String k = decapitalize(parts[i].substring(0, eq));
          String v = parts[i].substring(eq + 1);
          params.put(k, k.equals("root") ? decapitalize(v) : v);
        }
      }
      bench = bench.replace("GoRoutine", "Thread");
      if (isSkipped(bench, skip)) {
        continue;
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      Matcher mm = GO_METRIC.matcher(m.group(2));
      while (mm.find()) {
        metrics.put(mm.group(2), Double.parseDouble(mm.group(1)));
      }
      Figure fig;
      if (metrics.containsKey("ns/child")) {
        fig = new Figure(metrics.get("ns/child"), "ns/child");
      } else if (metrics.containsKey("ns/ctx")) {
        fig = new Figure(metrics.get("ns/ctx"), "ns/ctx");
      } else if (metrics.containsKey("ns/op")) {
        fig = new Figure(metrics.get("ns/op"), "ns/op");
      } else {
        continue;
      }
      table.put(bench, paramString(params), BenchTable.GO, fig, null);
    }
  }

  private static boolean isSkipped(String bench, String... skip) {
    for (String s : skip) {
      if (Pattern.compile(s, Pattern.CASE_INSENSITIVE).matcher(bench).find()) {
        return true;
      }
    }
    return false;
  }

  static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** Lines "footprint NAME IMPL VALUE UNIT". */
  static void footprint(List<String> lines, BenchTable table) {
    for (String line : lines) {
      String[] f = SPACES.split(line.trim(), -1);
      if (f.length == 5 && f[0].equals("footprint")) {
        table.put(
            f[1],
            "",
            f[2],
            new Figure(Double.parseDouble(f[3]), f[4]),
            BenchSource.Suite.FOOTPRINT);
      }
    }
  }

  /** Turns JMH's console output into one progress line per benchmark for people watching. */
  static final class JmhProgress implements Consumer<String> {
    private final PrintStream out;
    private String bench = "";
    private String params = "";
    int started;
    int failures;

    JmhProgress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void accept(String line) {
      if (line.startsWith("# Benchmark: ")) {
        bench = line.substring("# Benchmark: dev.ctx4j.bench.".length());
        params = "";
      } else if (line.startsWith("# Parameters: (")) {
        params = line.substring("# Parameters: (".length(), line.length() - 1).replace(" = ", "=");
      } else if (line.startsWith("# Run progress: ")) {
        started++;
        String pct = line.substring("# Run progress: ".length());
        out.println("  jmh [" + pct.replace(" complete, ", ", ") + "] " + bench + " " + params);
      } else if (line.startsWith("<failure>") || line.contains("Benchmark had encountered error")) {
        failures++;
        out.println("  jmh FAILED: " + bench + " " + params + " (see the log)");
      }
    }
  }
}
