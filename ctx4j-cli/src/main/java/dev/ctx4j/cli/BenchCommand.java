package dev.ctx4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
final class BenchCommand {

  private BenchCommand() {}

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
            List.of("-f", "1", "-wi", "2", "-i", "5"),
            "200ms",
            "5x",
            "1");
    static final Settings FULL =
        new Settings(
            "full",
            List.of("-f", "1", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s"),
            List.of("-f", "1", "-wi", "5", "-i", "20"),
            "1s",
            "20x",
            "5");
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Settings settings = Settings.QUICK;
    String only = null;
    boolean useGo = true;
    boolean write = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--full" -> settings = Settings.FULL;
        case "--no-go" -> useGo = false;
        case "--no-write" -> write = false;
        case "--only" -> {
          if (i + 1 >= args.length) {
            err.println("ctx4j bench: --only needs a regular expression (e.g. --only cancelTree)");
            return 2;
          }
          only = args[++i];
        }
        case "--help", "-h" -> {
          usage(out);
          return 0;
        }
        default -> {
          err.println("ctx4j bench: unknown option '" + args[i] + "'");
          usage(err);
          return 2;
        }
      }
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
    Path root = found.get();
    return new BenchRun(root, settings, only, useGo, write, out).execute();
  }

  static void usage(PrintStream out) {
    out.println("usage: ctx4j bench [--full] [--only REGEX] [--no-go] [--no-write]");
    out.println("  (default) a quick pass of a few minutes");
    out.println("  --full      publication settings (longer warm-up and measurement)");
    out.println("  --only      only benchmarks whose name matches REGEX");
    out.println("  --no-go     leave the Go column out even if go is installed");
    out.println("  --no-write  print the table but do not rewrite BENCHMARKS.md");
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
