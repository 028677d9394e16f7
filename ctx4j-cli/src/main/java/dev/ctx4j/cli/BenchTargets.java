package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchTable.Figure;
import dev.ctx4j.cli.BenchTable.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The performance targets of the project, read from {@code bench-targets.txt} (one line per target,
 * the format is described at its top) and checked against one run's table.
 */
final class BenchTargets {
  private static final Pattern REF = Pattern.compile("([^\\[@]+)(?:\\[([^]]*)])?@(\\w+)");
  private static final Pattern SELECTOR = Pattern.compile("([^\\[]+)(?:\\[([^]]*)])?");

  enum Kind {
    NOISE,
    RATIO,
    MAX,
    EVERY
  }

  /** A figure named by a target: {@code bench[params]@impl}. */
  record Ref(String bench, String params, String impl) {
    static Ref parse(String text) {
      Matcher m = REF.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a figure (bench[params]@impl): '" + text + "'");
      }
      return new Ref(m.group(1), m.group(2) == null ? "" : m.group(2), m.group(3));
    }

    Figure in(BenchTable t) {
      return t.get(bench, params, impl);
    }
  }

  /** One line of the file; for EVERY, {@code what} selects rows and {@code peer} names the peer. */
  record Target(Kind kind, String what, Ref a, Ref b, String peer, double limit) {
    /** Whether an EVERY line selects {@code row}. */
    boolean selects(Row row) {
      if (what.startsWith("suite=")) {
        return row.suite != null && suiteName(row.suite).equals(what.substring("suite=".length()));
      }
      Matcher m = SELECTOR.matcher(what);
      if (!m.matches()) {
        return false;
      }
      String glob = Pattern.quote(m.group(1)).replace("*", "\\E.*\\Q");
      return row.bench.matches(glob) && (m.group(2) == null || m.group(2).equals(row.params));
    }
  }

  private final List<Target> targets;

  BenchTargets(List<Target> targets) {
    this.targets = List.copyOf(targets);
  }

  /** The project's targets, from the resource next to this class. */
  static BenchTargets load() {
    try (InputStream in = BenchTargets.class.getResourceAsStream("bench-targets.txt")) {
      if (in == null) {
        throw new IllegalStateException("bench-targets.txt is missing from the ctx4j-cli jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses the file's text; a malformed line is an error naming its line number. */
  static BenchTargets parse(String text) {
    List<Target> list = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        list.add(target(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "bench-targets.txt line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new BenchTargets(list);
  }

  private static Target target(String line) {
    String[] f = line.split("\\|", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException("needs 5 columns (kind | what | a | b | limit): " + line);
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i].strip();
    }
    Kind kind = Kind.valueOf(f[0].toUpperCase(Locale.ROOT));
    double limit = f[4].equals("-") && kind == Kind.EVERY ? -1 : Double.parseDouble(f[4]);
    return switch (kind) {
      case NOISE, RATIO -> new Target(kind, f[1], Ref.parse(f[2]), Ref.parse(f[3]), "", limit);
      case MAX -> new Target(kind, f[1], Ref.parse(f[2]), null, "", limit);
      case EVERY -> {
        if (!f[2].isEmpty() || f[3].isEmpty()) {
          throw new IllegalArgumentException("an every-line names its peer in column b only");
        }
        yield new Target(kind, f[1], null, null, f[3], limit);
      }
    };
  }

  List<Target> targets() {
    return targets;
  }

  /**
   * The limit the targets set on ctx4j's figure over {@code peer}'s in {@code row}: a ratio line
   * naming exactly this row and peer, else the every-line of that peer that selects the row; NaN
   * when none does (or the line says {@code -}). The chart draws it.
   */
  double limitFor(Row row, String peer) {
    for (Target t : targets) {
      if (t.kind() == Kind.RATIO
          && t.a().impl().equals(BenchTable.CTX4J)
          && t.b().impl().equals(peer)
          && t.a().bench().equals(row.bench)
          && t.a().params().equals(row.params)
          && t.b().bench().equals(row.bench)
          && t.b().params().equals(row.params)) {
        return t.limit();
      }
    }
    for (Target t : targets) {
      if (t.kind() == Kind.EVERY && t.peer().equals(peer) && t.selects(row)) {
        return t.limit() > 0 ? t.limit() : Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** One line per target that has its figures, met or not, after a summary line. */
  List<String> check(BenchTable t) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get(i);
      switch (target.kind()) {
        case NOISE -> noise(lines, target, target.a().in(t), target.b().in(t));
        case RATIO ->
            ratio(lines, target.what(), target.a().in(t), target.b().in(t), target.limit());
        case MAX -> max(lines, target, target.a().in(t));
        case EVERY -> {
          if (i == 0 || !isGroupOf(targets.get(i - 1), target)) {
            every(lines, t, group(i));
          }
        }
      }
    }
    int met = 0;
    int missed = 0;
    for (String l : lines) {
      if (l.startsWith("met ")) {
        met++;
      } else if (l.startsWith("NOT met ")) {
        missed++;
      }
    }
    lines.add(
        0,
        "targets: "
            + met
            + " met, "
            + missed
            + " not met (ratio checks need both figures; a missing figure skips its check)");
    return lines;
  }

  private static boolean isGroupOf(Target previous, Target t) {
    return previous.kind() == Kind.EVERY && previous.peer().equals(t.peer());
  }

  private List<Target> group(int first) {
    List<Target> g = new ArrayList<>();
    for (int i = first; i < targets.size() && isGroupOf(targets.get(first), targets.get(i)); i++) {
      g.add(targets.get(i));
    }
    return g;
  }

  private static void every(List<String> lines, BenchTable t, List<Target> group) {
    String peer = group.get(0).peer();
    for (Row r : t.rows.values()) {
      for (Target target : group) {
        if (target.selects(r)) {
          if (target.limit() > 0) {
            String shown =
                switch (peer) {
                  case BenchTable.GO -> "Go";
                  case BenchTable.KOTLIN -> "Kotlin";
                  case BenchTable.JDK -> "StructuredTaskScope";
                  default -> peer;
                };
            ratio(
                lines,
                r.name() + " vs " + shown,
                r.get(BenchTable.CTX4J),
                r.get(peer),
                target.limit());
          }
          break;
        }
      }
    }
  }

  private static void ratio(List<String> lines, String what, Figure a, Figure b, double limit) {
    if (a == null || b == null) {
      return;
    }
    double ratio = a.value() / b.value();
    boolean ok = ratio <= limit;
    lines.add(
        String.format(
            Locale.ROOT,
            "%s %s: %.2f× (target ≤ %.2f×%s)",
            ok ? "met    " : "NOT met",
            what,
            ratio,
            limit,
            ok ? "" : String.format(Locale.ROOT, ", %.1f× over", ratio / limit)));
  }

  /** Within noise: at most {@code limit}×, or the difference within the two JMH errors. */
  private static void noise(List<String> lines, Target target, Figure a, Figure b) {
    if (a == null || b == null) {
      return;
    }
    double ratio = a.value() / b.value();
    boolean withinError = a.value() - b.value() <= a.error() + b.error();
    boolean ok = ratio <= target.limit() || withinError;
    lines.add(
        String.format(
            Locale.ROOT,
            "%s %s: %.2f× (target within noise: ≤ %.2f× or within the error, ±%.1f ns)",
            ok ? "met    " : "NOT met",
            target.what(),
            ratio,
            target.limit(),
            a.error() + b.error()));
  }

  private static void max(List<String> lines, Target target, Figure f) {
    if (f == null) {
      return;
    }
    double max = target.limit();
    boolean ok = f.value() <= max;
    lines.add(
        String.format(
            Locale.ROOT,
            "%s %s: %.1f %s (target ≤ %s)",
            ok ? "met" : "NOT met",
            target.what(),
            f.value(),
            f.unit(),
            String.format(Locale.ROOT, max < 1 ? "%.2f" : "%.0f", max)));
  }

  static String suiteName(BenchSource.Suite s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
