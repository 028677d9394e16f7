package dev.ctx4j.cli;

import dev.ctx4j.cli.BenchParsers.JmhProgress;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One invocation of {@code ctx4j bench}: runs the JMH jar, the footprint probe and Go as child
 * processes, each logged to {@code ctx4j-bench/target/bench}, fills the table, checks the targets
 * and writes the report.
 */
final class BenchRun {
  static final String JAR = "ctx4j-bench/target/benchmarks.jar";
  static final String NOT_MEASURED = "not measured";
  private static final String SINGLE_SHOT = "\\.(wake|fanoutCancel|floorUnpark|groupFailure)$";

  /**
   * Every JMH fork, ctx4j's and grpc's alike, gets a fixed, pre-touched heap: with the default heap
   * (a quarter of this machine's RAM) a short benchmark keeps allocating into young-generation
   * pages the kernel has never mapped, and page faults, not the code, dominate allocating shapes. A
   * benchmark's own {@code @Fork(jvmArgsAppend)} still wins.
   */
  static final String FORK_HEAP = "-Xms2g -Xmx2g -XX:+AlwaysPreTouch";

  private final Path root;
  private final BenchCommand.Settings settings;
  private final String only;
  private final boolean useGo;
  private final boolean write;
  private final PrintStream out;
  private final Path logDir;
  private final String java;
  private final BenchTable table = new BenchTable();
  private final List<String> problems = new ArrayList<>();
  private String goVersion = NOT_MEASURED;

  BenchRun(
      Path root,
      BenchCommand.Settings settings,
      String only,
      boolean useGo,
      boolean write,
      PrintStream out) {
    this.root = root;
    this.settings = settings;
    this.only = only;
    this.useGo = useGo;
    this.write = write;
    this.out = out;
    this.logDir = root.resolve("ctx4j-bench/target/bench");
    this.java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  int execute() throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Instant started = Instant.now();
    String loadBefore = loadAverage();
    out.println(
        "ctx4j bench: "
            + settings.name()
            + " pass; load average "
            + loadBefore
            + "; logs in "
            + root.relativize(logDir));
    runJmh("timed", settings.timed(), timedSelection(), "csv");
    // single shots are read shot by shot (median and spread over every fork): JSON has rawData
    runJmh("single-shot", settings.singleShot(), singleShotSelection(), "json");
    runFootprint();
    Optional<String> go = useGo ? findGo() : Optional.empty();
    if (go.isPresent()) {
      runGo(go.get());
    } else if (useGo) {
      out.println(
          "ctx4j bench: no go binary found, the Go column says \""
              + NOT_MEASURED
              + "\". To measure Go 1.19 side by side, install it (as root): apt-get update &&"
              + " apt-get install -y golang-1.19-go — then run ./ctx4j bench again (go is"
              + " looked for on PATH and in /usr/lib/go-1.19/bin).");
    }
    String loadAfter = loadAverage();
    long seconds = ChronoUnit.SECONDS.between(started, Instant.now());
    out.println();
    out.print(BenchReport.render(this));
    BenchTargets targets = BenchTargets.load();
    List<String> targetLines = targets.check(table);
    out.println();
    targetLines.forEach(out::println);
    if (!problems.isEmpty()) {
      out.println();
      problems.forEach(p -> out.println("problem: " + p));
    }
    if (write) {
      Path md = root.resolve("BENCHMARKS.md");
      BenchReport.writeMarkdown(this, md, loadBefore, loadAfter, seconds, targetLines);
      out.println();
      Path chart = root.resolve(BenchChart.FILE);
      BenchChart.write(table, targets, chart);
      out.println("ctx4j bench: wrote " + root.relativize(md) + " and " + root.relativize(chart));
    }
    return problems.isEmpty() ? 0 : 1;
  }

  BenchTable table() {
    return table;
  }

  BenchCommand.Settings settings() {
    return settings;
  }

  String goVersion() {
    return goVersion;
  }

  String javaBinary() {
    return java;
  }

  List<String> problems() {
    return problems;
  }

  private List<String> timedSelection() {
    List<String> sel = new ArrayList<>();
    sel.add(only == null ? "dev\\.ctx4j\\.bench\\." : only);
    sel.add("-e");
    sel.add(SINGLE_SHOT);
    return sel;
  }

  private List<String> singleShotSelection() {
    return List.of(only == null ? SINGLE_SHOT : "(?=.*(" + only + ")).*" + SINGLE_SHOT);
  }

  private void runJmh(String label, List<String> jmhSettings, List<String> selection, String format)
      throws IOException, InterruptedException {
    Path result = logDir.resolve("jmh-" + label + "." + format);
    Files.deleteIfExists(result);
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Djmh.ignoreLock=true");
    cmd.add("-jar");
    cmd.add(root.resolve(JAR).toString());
    cmd.addAll(selection);
    cmd.addAll(jmhSettings);
    cmd.addAll(List.of("-jvmArgsPrepend", FORK_HEAP));
    cmd.addAll(List.of("-foe", "false", "-rf", format, "-rff", result.toString()));
    out.println("ctx4j bench: JMH (" + label + "): " + String.join(" ", jmhSettings));
    JmhProgress progress = new JmhProgress(out);
    Path log = logDir.resolve("jmh-" + label + ".log");
    int code = execIn(root, cmd, log, progress);
    if (code != 0
        && progress.started == 0
        && Files.readString(log, StandardCharsets.UTF_8).contains("No matching benchmarks")) {
      return; // --only selected none of this group
    }
    if (code != 0) {
      problems.add("JMH (" + label + ") exited with " + code + "; see its log");
    }
    if (progress.failures > 0) {
      problems.add(progress.failures + " JMH benchmark(s) failed; see the " + label + " log");
    }
    if (Files.isRegularFile(result) && format.equals("json")) {
      try {
        problems.addAll(
            BenchParsers.jmhJson(Files.readString(result, StandardCharsets.UTF_8), table));
      } catch (IllegalArgumentException e) {
        problems.add("JMH (" + label + ") result unreadable: " + e.getMessage());
      }
    } else if (Files.isRegularFile(result)) {
      problems.addAll(
          BenchParsers.jmhCsv(Files.readAllLines(result, StandardCharsets.UTF_8), table));
    } else if (progress.started > 0) {
      problems.add("JMH (" + label + ") wrote no results");
    }
  }

  private void runFootprint() throws IOException, InterruptedException {
    if (only != null && !Pattern.compile(only).matcher("footprint").find()) {
      return;
    }
    out.println("ctx4j bench: footprint (retained bytes, allocation, idle timer CPU)...");
    List<String> cmd =
        List.of(
            java,
            "-cp",
            root.resolve(JAR).toString(),
            "dev.ctx4j.bench.Footprint",
            settings.idleSeconds());
    List<String> lines = new ArrayList<>();
    int code = execIn(root, cmd, logDir.resolve("footprint.log"), lines::add);
    if (code != 0) {
      problems.add("footprint probe exited with " + code);
    }
    BenchParsers.footprint(lines, table);
  }

  private void runGo(String go) throws IOException, InterruptedException {
    List<String> version = new ArrayList<>();
    execIn(root, List.of(go, "version"), logDir.resolve("go-version.log"), version::add);
    goVersion = version.isEmpty() ? "go (version unknown)" : version.get(0).trim();
    out.println("ctx4j bench: " + goVersion);
    Path module = root.resolve("ctx4j-bench/go");
    String filter = only == null ? "." : "(?i)" + only;
    goTest(go, "Go's own context suite", "context", filter, settings.goBenchtime(), "go-context");
    goTest(
        go,
        "Go module (light shapes)",
        ".",
        only == null ? "Err|Child|NoWork|Timeout|Churn|WithValue" : "(?i)" + only,
        // Go 1.19 has no -skip: with --only, drop the heavy shapes measured with the wrong time
        settings.goBenchtime(),
        "go-light",
        "Wake|Fanout");
    goTest(
        go,
        "Go module (wake, fan-out)",
        ".",
        only == null ? "Wake|Fanout" : "(?i)" + only,
        settings.goHeavyBenchtime(),
        "go-heavy");
    if (only == null || Pattern.compile(only).matcher("footprint").find()) {
      out.println("ctx4j bench: Go footprint...");
      List<String> lines = new ArrayList<>();
      List<String> cmd = List.of(go, "test", "-count=1", "-run", "^TestFootprint$", "-v", ".");
      int code = execIn(module, cmd, logDir.resolve("go-footprint.log"), lines::add);
      if (code != 0) {
        problems.add("Go footprint exited with " + code);
      }
      BenchParsers.footprint(lines, table);
    }
  }

  private void goTest(
      String go,
      String label,
      String pkg,
      String bench,
      String benchtime,
      String log,
      String... skip)
      throws IOException, InterruptedException {
    out.println("ctx4j bench: " + label + " (-benchtime " + benchtime + ")...");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(go, "test", "-count=1", "-run", "^$", "-bench", bench, "-benchtime", benchtime));
    cmd.add(pkg);
    List<String> lines = new ArrayList<>();
    Consumer<String> sink =
        line -> {
          lines.add(line);
          if (line.startsWith("Benchmark")) {
            out.println("  go  " + line.replaceAll("\\s+", " "));
          }
        };
    int code = execIn(root.resolve("ctx4j-bench/go"), cmd, logDir.resolve(log + ".log"), sink);
    if (code != 0) {
      problems.add(label + " exited with " + code + "; see " + log + ".log");
    }
    BenchParsers.goBench(lines, table, skip);
  }

  /**
   * Runs {@code cmd} in {@code dir}; every output line goes to {@code log} and to {@code onLine}.
   */
  private int execIn(Path dir, List<String> cmd, Path log, Consumer<String> onLine)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GOFLAGS", "-mod=mod");
    pb.environment().put("GOPROXY", "off");
    pb.environment().put("GOTOOLCHAIN", "local");
    pb.environment().put("CTX4J_IDLE", settings.idleSeconds() + "s");
    Process p = pb.start();
    try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.write('\n');
        onLine.accept(line);
      }
    }
    return p.waitFor();
  }

  /** The load average now, from /proc/loadavg (Linux), else "unknown". */
  static String loadAverage() {
    try {
      String[] f = BenchParsers.SPACES.split(Files.readString(Path.of("/proc/loadavg")).trim(), -1);
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** go on PATH, else Debian's Go 1.19 location. */
  static Optional<String> findGo() {
    String path = System.getenv("PATH");
    List<Path> candidates = new ArrayList<>();
    if (path != null) {
      for (String dir : Pattern.compile(File.pathSeparator, Pattern.LITERAL).split(path, -1)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "go"));
        }
      }
    }
    candidates.add(Path.of("/usr/lib/go-1.19/bin/go"));
    candidates.add(Path.of("/usr/lib/go/bin/go"));
    candidates.add(Path.of("/usr/local/go/bin/go"));
    for (Path c : candidates) {
      if (Files.isExecutable(c)) {
        return Optional.of(c.toString());
      }
    }
    return Optional.empty();
  }
}
