package dev.ctx4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctx4j bench}: runs the JMH benchmarks of {@code ctx4j-bench} (as a child process, from
 * {@code ctx4j-bench/target/benchmarks.jar}, on this same JVM binary), the footprint probe, Go's
 * own {@code context} benchmarks and the Go module in {@code ctx4j-bench/go} when a {@code go}
 * binary is found; prints one table (ctx4j, grpc-java, Go, ratios), checks the performance targets
 * and writes {@code BENCHMARKS.md}. The command line does not depend on the benchmark module.
 *
 * <p>The work is split by job: {@link BenchRun} runs the processes, {@link BenchParsers} reads
 * their output into a {@link BenchTable}, {@link BenchTargets} checks the targets listed in {@code
 * bench-targets.txt}, {@link BenchReport} prints the table and writes {@code BENCHMARKS.md}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks: ctx4j next to grpc-java and Go 1.19 in one run, one table, the targets checked,"
          + " BENCHMARKS.md written.",
      "Without options: a quick pass of a few minutes."
    })
final class BenchCommand implements Callable<Integer> {
  /** JMH and Go settings of one pass. */
  record Settings(
      String name,
      List<String> timed,
      List<String> singleShot,
      String goBenchtime,
      String goHeavyBenchtime,
      String idleSeconds) {
    static final Settings QUICK =
        new Settings(
            "quick",
            List.of("-f", "1", "-wi", "1", "-w", "300ms", "-i", "2", "-r", "300ms"),
            List.of("-f", "2", "-wi", "2", "-i", "5"),
            "200ms",
            "5x",
            "1");
    static final Settings FULL =
        new Settings(
            "full",
            List.of("-f", "1", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"),
            List.of("-f", "3", "-wi", "5", "-i", "20"),
            "1s",
            "20x",
            "5");
  }

  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--full", description = "Publication settings (longer warm-up and measurement).")
  boolean full;

  @Option(
      names = "--only",
      paramLabel = "REGEX",
      description = "Only benchmarks whose name matches REGEX (e.g. cancelTree).")
  String only;

  @Option(names = "--no-go", description = "Leave the Go column out even if go is installed.")
  boolean noGo;

  @Option(names = "--no-write", description = "Print the table but do not rewrite BENCHMARKS.md.")
  boolean noWrite;

  @Option(
      names = "--chart-only",
      description =
          "Measure nothing: redraw "
              + BenchChart.FILE
              + " from the Results table of BENCHMARKS.md (found from here upward).")
  boolean chartOnly;

  BenchCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    if (only != null) {
      try {
        Pattern.compile(only);
      } catch (PatternSyntaxException e) {
        err.println("ctx4j bench: --only is not a regular expression: " + e.getDescription());
        return 2;
      }
    }
    if (chartOnly) {
      return redrawChart();
    }
    Optional<Path> found = findRoot(Path.of("").toAbsolutePath());
    if (found.isEmpty()) {
      err.println(
          "ctx4j bench: "
              + BenchRun.JAR
              + " not found from "
              + Path.of("").toAbsolutePath()
              + ". Run ./ctx4j bench from the repository (it builds what is stale), or build it"
              + " with: mvn -B -ntp -pl ctx4j-bench -am package -DskipTests");
      return 1;
    }
    Settings settings = full ? Settings.FULL : Settings.QUICK;
    return new BenchRun(found.get(), settings, only, !noGo, !noWrite, out).execute();
  }

  private int redrawChart() throws java.io.IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path md = p.resolve("BENCHMARKS.md");
      if (Files.isRegularFile(md)) {
        BenchTable table = BenchMarkdown.read(Files.readAllLines(md));
        Path chart = p.resolve(BenchChart.FILE);
        BenchChart.write(table, BenchTargets.load(), chart);
        out.println(
            "ctx4j bench: drew "
                + BenchChart.bars(table, BenchTargets.load()).size()
                + " ratios from "
                + md
                + " into "
                + chart);
        return 0;
      }
    }
    err.println("ctx4j bench: no BENCHMARKS.md from " + Path.of("").toAbsolutePath() + " upward");
    return 1;
  }

  /** The directory, from {@code start} upward, that holds the benchmark jar. */
  static Optional<Path> findRoot(Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(BenchRun.JAR))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
