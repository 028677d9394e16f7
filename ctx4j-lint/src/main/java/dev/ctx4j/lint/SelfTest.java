package dev.ctx4j.lint;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the checks on the corpus shipped in the jar ({@code dev/ctx4j/lint/corpus}): small
 * services with repositories, HTTP clients and batch jobs, where every line that must be reported
 * ends with {@code // expect: check-id}. Precision and recall are counted per check on (file, line,
 * check); {@code ctx4j lint --self-test} prints them.
 */
final class SelfTest {
  private SelfTest() {}

  /** The precision every check must reach on the corpus. */
  static final double PRECISION = 0.95;

  /** The recall every check must reach on the corpus. */
  static final double RECALL = 0.90;

  private static final String CORPUS = "corpus/";
  private static final Pattern EXPECT =
      Pattern.compile("//\\s*expect:\\s*([a-z-]+(?:\\s*,\\s*[a-z-]+)*)");

  /** The counts of one check. */
  record Score(String check, int truePositives, int falsePositives, int falseNegatives) {
    double precision() {
      int reported = truePositives + falsePositives;
      return reported == 0 ? 1.0 : (double) truePositives / reported;
    }

    double recall() {
      int real = truePositives + falseNegatives;
      return real == 0 ? 1.0 : (double) truePositives / real;
    }
  }

  /** Every check's score, the total last, and the mismatches (for a failing test to show). */
  record Result(List<Score> scores, List<String> missed, List<String> wrong) {
    Score total() {
      return scores.get(scores.size() - 1);
    }

    /** True if every check reaches the goal: precision at least 95 %, recall at least 90 %. */
    boolean meetsGoal() {
      return scores.stream().allMatch(s -> s.precision() >= PRECISION && s.recall() >= RECALL);
    }

    void print(PrintWriter out) {
      out.println("ctx4j lint self-test: the shipped corpus (" + files().size() + " files)");
      out.printf(
          Locale.ROOT,
          "%-26s %4s %4s %4s %10s %7s%n",
          "check",
          "TP",
          "FP",
          "FN",
          "precision",
          "recall");
      for (Score s : scores) {
        out.printf(
            Locale.ROOT,
            "%-26s %4d %4d %4d %9.1f%% %6.1f%%%n",
            s.check(),
            s.truePositives(),
            s.falsePositives(),
            s.falseNegatives(),
            100 * s.precision(),
            100 * s.recall());
      }
      missed.forEach(m -> out.println("missed: " + m));
      wrong.forEach(w -> out.println("wrong:  " + w));
    }
  }

  /** The corpus files, relative to the corpus root. */
  static List<String> files() {
    String index = resource("index.txt");
    return index.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** Writes the corpus under {@code dir}; returns each file's text by its relative path. */
  static Map<String, String> unpack(Path dir) throws IOException {
    Map<String, String> sources = new LinkedHashMap<>();
    for (String f : files()) {
      String text = resource(f);
      sources.put(f, text);
      Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, StandardCharsets.UTF_8);
    }
    return sources;
  }

  /** Unpacks the corpus into {@code dir}, runs every check and scores the findings. */
  static Result run(Path dir) throws IOException {
    Map<String, String> sources = unpack(dir);
    Set<String> expected = new TreeSet<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      List<String> lines = e.getValue().lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = EXPECT.matcher(lines.get(i));
        if (m.find()) {
          for (String id : m.group(1).split(",", -1)) {
            expected.add(e.getKey() + ":" + (i + 1) + ": " + id.strip());
          }
        }
      }
    }
    List<Finding> found = Checks.run(Project.load(List.of(dir)), Checks.select(List.of()));
    Map<String, Finding> actual = new LinkedHashMap<>();
    for (Finding f : found) {
      String rel = dir.relativize(f.file()).toString().replace('\\', '/');
      actual.put(rel + ":" + f.line() + ": " + f.check(), f);
    }
    List<Score> scores = new ArrayList<>();
    int tp = 0;
    int fp = 0;
    int fn = 0;
    List<String> missed = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Check c : Checks.ALL) {
      String suffix = ": " + c.id();
      int t = 0;
      int p = 0;
      int n = 0;
      for (String e : expected) {
        if (e.endsWith(suffix)) {
          if (actual.containsKey(e)) {
            t++;
          } else {
            n++;
            missed.add(e);
          }
        }
      }
      for (Map.Entry<String, Finding> a : actual.entrySet()) {
        if (a.getKey().endsWith(suffix) && !expected.contains(a.getKey())) {
          p++;
          wrong.add(a.getKey() + " " + a.getValue().message());
        }
      }
      scores.add(new Score(c.id(), t, p, n));
      tp += t;
      fp += p;
      fn += n;
    }
    scores.add(new Score("all", tp, fp, fn));
    return new Result(List.copyOf(scores), List.copyOf(missed), List.copyOf(wrong));
  }

  /** Runs in a temporary directory that is removed afterwards. */
  static Result run() throws IOException {
    Path dir = Files.createTempDirectory("ctx4j-lint-corpus");
    try {
      return run(dir);
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String resource(String name) {
    try (InputStream in = SelfTest.class.getResourceAsStream(CORPUS + name)) {
      if (in == null) {
        throw new IllegalStateException("the lint corpus is missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
