package dev.ctx4j.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The figures of one {@code ctx4j bench} run: one row per shape and parameters. */
final class BenchTable {
  static final String CTX4J = "ctx4j";
  static final String GRPC = "grpc";
  static final String GO = "go";
  static final String FLOOR = "floor";

  /** kotlinx.coroutines (ADR 0140). */
  static final String KOTLIN = "kotlin";

  /** The JDK's {@code StructuredTaskScope} (a preview API in JDK 25; ADR 0140). */
  static final String JDK = "jdk";

  /**
   * One measured figure: a value in its unit (ns for times), and JMH's error (99.9% confidence
   * half-width, same unit; 0 when unknown). A single-shot figure is the median of {@code shots}
   * shots (every measured shot of every fork), {@code low} and {@code high} their 10th and 90th
   * percentiles; other figures have no shots and NaN there.
   */
  record Figure(double value, String unit, double error, double low, double high, int shots) {
    Figure(double value, String unit) {
      this(value, unit, 0);
    }

    Figure(double value, String unit, double error) {
      this(value, unit, error, Double.NaN, Double.NaN, 0);
    }

    /** A median of shots with its p10–p90 spread. */
    static Figure ofShots(double median, String unit, double p10, double p90, int shots) {
      return new Figure(median, unit, 0, p10, p90, shots);
    }

    /** True for a median of shots (it has a spread). */
    boolean hasSpread() {
      return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** The same figure divided by {@code d} (per child instead of per operation). */
    Figure per(double d, String newUnit) {
      return new Figure(value / d, newUnit, error / d, low / d, high / d, shots);
    }
  }

  /** One table row: a shape with its parameters and a figure per implementation. */
  static final class Row {
    final String bench;
    final String params;
    final Map<String, Figure> byImpl = new LinkedHashMap<>();
    BenchSource.Suite suite;

    Row(String bench, String params) {
      this.bench = bench;
      this.params = params;
    }

    Figure get(String impl) {
      return byImpl.get(impl);
    }

    /** {@code bench} or {@code bench params}, as target lines name a row. */
    String name() {
      return params.isEmpty() ? bench : bench + " " + params;
    }
  }

  /** Rows keyed by "bench|params", in the order a reader expects. */
  final Map<String, Row> rows = new TreeMap<>(BenchTable::compareKeys);

  /** Stores a figure; {@code suite} is null when the producer does not know it (Go's output). */
  void put(String bench, String params, String impl, Figure f, BenchSource.Suite suite) {
    Row row = rows.computeIfAbsent(bench + "|" + params, k -> new Row(bench, params));
    row.byImpl.put(impl, f);
    if (suite != null) {
      row.suite = suite;
    }
  }

  Figure get(String bench, String params, String impl) {
    Row r = rows.get(bench + "|" + params);
    return r == null ? null : r.get(impl);
  }

  /** The order of shapes in the table; shapes not listed follow, by name. */
  private static final List<String> ORDER =
      List.of(
          "commonParentCancel",
          "commonParentCancelNoWork",
          "withTimeout",
          "cancelTree",
          "checkCanceledErr",
          "checkCanceledDone",
          "contextCancelDone",
          "deepValueSameThread",
          "deepValueNewThread",
          "errLive",
          "errLiveParallel",
          "childCancel",
          "childCancelParallel",
          "floorChild",
          "floorChildParallel",
          "withValue",
          "timeoutCancel",
          "timedChurn",
          "fanoutCancel",
          "wake",
          "floorUnpark",
          "groupFailure",
          "listenerChildCancel",
          "tracingChildCreate",
          "tracingWithValue",
          "tracingTimeoutCreate",
          "tracingTopCreate",
          "tracingChildCancel",
          "tracingTimeoutCancel",
          "retainedWithCancel",
          "retainedWithTimeout",
          "retainedWithValue",
          "allocChildCancel",
          "allocTimeoutCancel",
          "allocCancelPerDescendant",
          "idleTimerCpu");

  private static final Pattern NUMBER = Pattern.compile("\\d+");

  static int compareKeys(String a, String b) {
    String[] pa = splitKey(a);
    String[] pb = splitKey(b);
    int ia = ORDER.indexOf(pa[0]);
    int ib = ORDER.indexOf(pb[0]);
    if (ia != ib) {
      return Integer.compare(ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
    }
    int c = pa[0].compareTo(pb[0]);
    if (c != 0) {
      return c;
    }
    return compareParams(pa[1], pb[1]);
  }

  private static String[] splitKey(String key) {
    int bar = key.indexOf('|');
    return new String[] {key.substring(0, bar), key.substring(bar + 1)};
  }

  /** Numbers inside parameters compare as numbers (depth=10 before depth=100). */
  static int compareParams(String a, String b) {
    Matcher ma = NUMBER.matcher(a);
    Matcher mb = NUMBER.matcher(b);
    String ka = NUMBER.matcher(a).replaceAll("#");
    String kb = NUMBER.matcher(b).replaceAll("#");
    if (ka.equals(kb)) {
      while (ma.find() && mb.find()) {
        int c = Long.compare(Long.parseLong(ma.group()), Long.parseLong(mb.group()));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
    return a.compareTo(b);
  }
}
