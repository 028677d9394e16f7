package dev.ctx4j.cli;

import java.io.BufferedReader;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ctx4j bench}: runs the JMH benchmarks of {@code ctx4j-bench} (as a child process, from
 * {@code ctx4j-bench/target/benchmarks.jar}, on this same JVM binary), the footprint probe, Go's
 * own {@code context} benchmarks and the Go module in {@code ctx4j-bench/go} when a {@code go}
 * binary is found; prints one table (ctx4j, grpc-java, Go, ratios), checks the performance targets
 * and writes {@code BENCHMARKS.md}. The command line does not depend on the benchmark module.
 */
final class BenchCommand {
  private static final String JAR = "ctx4j-bench/target/benchmarks.jar";
  private static final String SINGLE_SHOT = "\\.(wake|fanoutCancel|floorUnpark)$";
  private static final String NOT_MEASURED = "not measured";

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

  /**
   * Every JMH fork, ctx4j's and grpc's alike, gets a fixed, pre-touched heap: with the default heap
   * (a quarter of this machine's RAM) a short benchmark keeps allocating into young-generation
   * pages the kernel has never mapped, and page faults, not the code, dominate allocating shapes. A
   * benchmark's own {@code @Fork(jvmArgsAppend)} still wins.
   */
  static final String FORK_HEAP = "-Xms2g -Xmx2g -XX:+AlwaysPreTouch";

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
              + JAR
              + " not found from "
              + Path.of("").toAbsolutePath()
              + ". Run ./ctx4j bench from the repository (it builds what is stale), or build it"
              + " with: mvn -B -ntp -pl ctx4j-bench -am package -DskipTests");
      return 1;
    }
    Path root = found.get();
    return new BenchCommand.Run(root, settings, only, useGo, write, out).execute();
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
      if (Files.isRegularFile(p.resolve(JAR))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * One measured figure: a value in its unit (ns for times), and JMH's error (99.9% confidence
   * half-width, same unit; 0 when unknown).
   */
  record Figure(double value, String unit, double error) {
    Figure(double value, String unit) {
      this(value, unit, 0);
    }
  }

  /** One table row: a shape with its parameters and a figure per implementation. */
  static final class Row {
    final String bench;
    final String params;
    final Map<String, Figure> byImpl = new LinkedHashMap<>();

    Row(String bench, String params) {
      this.bench = bench;
      this.params = params;
    }

    Figure get(String impl) {
      return byImpl.get(impl);
    }
  }

  /** Rows keyed by "bench|params", in the order a reader expects. */
  static final class Table {
    final Map<String, Row> rows = new TreeMap<>(BenchCommand::compareKeys);

    void put(String bench, String params, String impl, Figure f) {
      rows.computeIfAbsent(bench + "|" + params, k -> new Row(bench, params)).byImpl.put(impl, f);
    }

    Figure get(String bench, String params, String impl) {
      Row r = rows.get(bench + "|" + params);
      return r == null ? null : r.get(impl);
    }
  }

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

  /** One invocation of the command. */
  static final class Run {
    private final Path root;
    private final Settings settings;
    private final String only;
    private final boolean useGo;
    private final boolean write;
    private final PrintStream out;
    private final Path logDir;
    private final String java;
    private final Table table = new Table();
    private final List<String> problems = new ArrayList<>();
    private String goVersion = NOT_MEASURED;

    Run(Path root, Settings settings, String only, boolean useGo, boolean write, PrintStream out) {
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
      runJmh("timed", settings.timed(), timedSelection());
      runJmh("single-shot", settings.singleShot(), singleShotSelection());
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
      String report = Report.render(this);
      out.println();
      out.print(report);
      List<String> targetLines = Targets.check(table);
      out.println();
      targetLines.forEach(out::println);
      if (!problems.isEmpty()) {
        out.println();
        problems.forEach(p -> out.println("problem: " + p));
      }
      if (write) {
        Path md = root.resolve("BENCHMARKS.md");
        Report.writeMarkdown(this, md, loadBefore, loadAfter, seconds, targetLines);
        out.println();
        out.println("ctx4j bench: wrote " + root.relativize(md));
      }
      return problems.isEmpty() ? 0 : 1;
    }

    Table table() {
      return table;
    }

    Settings settings() {
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

    private void runJmh(String label, List<String> jmhSettings, List<String> selection)
        throws IOException, InterruptedException {
      Path csv = logDir.resolve("jmh-" + label + ".csv");
      Files.deleteIfExists(csv);
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.add("-Djmh.ignoreLock=true");
      cmd.add("-jar");
      cmd.add(root.resolve(JAR).toString());
      cmd.addAll(selection);
      cmd.addAll(jmhSettings);
      cmd.addAll(List.of("-jvmArgsPrepend", FORK_HEAP));
      cmd.addAll(List.of("-foe", "false", "-rf", "csv", "-rff", csv.toString()));
      out.println("ctx4j bench: JMH (" + label + "): " + String.join(" ", jmhSettings));
      JmhProgress progress = new JmhProgress(out);
      Path log = logDir.resolve("jmh-" + label + ".log");
      int code = exec(cmd, log, progress);
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
      if (Files.isRegularFile(csv)) {
        Parsers.jmhCsv(Files.readAllLines(csv, StandardCharsets.UTF_8), table);
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
      int code = exec(cmd, logDir.resolve("footprint.log"), lines::add);
      if (code != 0) {
        problems.add("footprint probe exited with " + code);
      }
      Parsers.footprint(lines, table);
    }

    private void runGo(String go) throws IOException, InterruptedException {
      List<String> version = new ArrayList<>();
      exec(List.of(go, "version"), logDir.resolve("go-version.log"), version::add);
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
        Parsers.footprint(lines, table);
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
      Parsers.goBench(lines, table, skip);
    }

    private int exec(List<String> cmd, Path log, Consumer<String> onLine)
        throws IOException, InterruptedException {
      return execIn(root, cmd, log, onLine);
    }

    private int execIn(Path dir, List<String> cmd, Path log, Consumer<String> onLine)
        throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
      pb.environment().put("GOFLAGS", "-mod=mod");
      pb.environment().put("GOPROXY", "off");
      pb.environment().put("GOTOOLCHAIN", "local");
      pb.environment().put("CTX4J_IDLE", settings.idleSeconds() + "s");
      Process p = pb.start();
      try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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

  /** Reads JMH CSV, Go bench output and footprint lines into the table. */
  static final class Parsers {
    private Parsers() {}

    private static final Pattern CSV_FIELD = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([^,]*)");
    private static final Pattern GO_LINE =
        Pattern.compile("^Benchmark(\\S+?)(?:-\\d+)?\\s+\\d+\\s+(.*)$");
    private static final Pattern GO_METRIC = Pattern.compile("([0-9.e+-]+) (\\S+)");
    private static final Pattern SPACES = Pattern.compile("\\s+");

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

    static void jmhCsv(List<String> lines, Table table) {
      if (lines.isEmpty()) {
        return;
      }
      List<String> header = csvFields(lines.get(0));
      for (String line : lines.subList(1, lines.size())) {
        List<String> f = csvFields(line);
        if (f.size() < 7) {
          continue;
        }
        String full = f.get(0);
        String cls = full.substring(0, full.lastIndexOf('.'));
        cls = cls.substring(cls.lastIndexOf('.') + 1);
        String bench = full.substring(full.lastIndexOf('.') + 1);
        if (cls.equals("TracingBenchmark")) {
          bench = "tracing" + Character.toUpperCase(bench.charAt(0)) + bench.substring(1);
        }
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
        String shownUnit = "ns/op";
        if (bench.equals("fanoutCancel")) {
          ns /= Double.parseDouble(params.get("children"));
          errorNs /= Double.parseDouble(params.get("children"));
          shownUnit = "ns/child";
        } else if (bench.equals("timedChurn")) {
          shownUnit = "ns/ctx";
        }
        String impl = cls.startsWith("Grpc") ? "grpc" : cls.startsWith("Floor") ? "floor" : "ctx4j";
        table.put(bench, paramString(params), impl, new Figure(ns, shownUnit, errorNs));
      }
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
    static void goBench(List<String> lines, Table table, String... skip) {
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
        table.put(bench, paramString(params), "go", fig);
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
    static void footprint(List<String> lines, Table table) {
      for (String line : lines) {
        String[] f = SPACES.split(line.trim(), -1);
        if (f.length == 5 && f[0].equals("footprint")) {
          table.put(f[1], "", f[2], new Figure(Double.parseDouble(f[3]), f[4]));
        }
      }
    }
  }

  /** The load average now, from /proc/loadavg (Linux), else "unknown". */
  static String loadAverage() {
    try {
      String[] f = Parsers.SPACES.split(Files.readString(Path.of("/proc/loadavg")).trim(), -1);
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
      for (String dir :
          Pattern.compile(java.io.File.pathSeparator, Pattern.LITERAL).split(path, -1)) {
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

  /** The table, as text for the console and as Markdown for BENCHMARKS.md. */
  static final class Report {
    private Report() {}

    static final List<String> HEADER =
        List.of("benchmark", "params", "ctx4j", "grpc", "Go 1.19", "ctx4j/grpc", "ctx4j/Go");

    static List<List<String>> cells(Table table) {
      List<List<String>> out = new ArrayList<>();
      for (Row r : table.rows.values()) {
        Figure mine = r.get("ctx4j");
        Figure floor = r.get("floor");
        Figure grpc = r.get("grpc");
        Figure go = r.get("go");
        String bench = floor != null && mine == null ? r.bench + " (floor)" : r.bench;
        Figure shown = mine != null ? mine : floor;
        out.add(
            List.of(
                bench,
                r.params,
                show(shown),
                show(grpc),
                go == null ? (r.bench.startsWith("floor") ? "" : "—") : show(go),
                ratio(shown, grpc),
                ratio(shown, go)));
      }
      return out;
    }

    static String show(Figure f) {
      if (f == null) {
        return "";
      }
      double v = f.value();
      String unit = f.unit();
      if (unit.startsWith("ns/")) {
        String per = unit.substring(2);
        if (v >= 1e6) {
          return String.format(Locale.ROOT, "%.2f ms%s", v / 1e6, per);
        } else if (v >= 1e4) {
          return String.format(Locale.ROOT, "%.1f µs%s", v / 1e3, per);
        } else if (v >= 100) {
          return String.format(Locale.ROOT, "%.0f ns%s", v, per);
        }
        return String.format(Locale.ROOT, "%.2f ns%s", v, per);
      }
      return String.format(Locale.ROOT, "%.1f %s", v, unit);
    }

    static String ratio(Figure a, Figure b) {
      if (a == null || b == null || b.value() == 0) {
        return "";
      }
      return String.format(Locale.ROOT, "%.2f×", a.value() / b.value());
    }

    static String render(Run run) {
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
      if (run.goVersion().equals(NOT_MEASURED)) {
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

    static void writeMarkdown(
        Run run,
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
      Settings s = run.settings();
      StringBuilder sb = new StringBuilder();
      sb.append("# ctx4j benchmarks\n\n");
      sb.append("Written by `./ctx4j bench")
          .append(s.equals(Settings.FULL) ? " --full" : "")
          .append("` on ")
          .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
          .append(" (")
          .append(s.name())
          .append(" pass, ")
          .append(seconds / 60)
          .append(" min ")
          .append(seconds % 60)
          .append(" s). ctx4j, grpc-java's `io.grpc.Context` and Go were measured in the same run")
          .append(
              " on the same machine. Lower is better; ratios below 1 mean ctx4j is faster.\n\n");
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
      sb.append(
          "| grpc-java | io.grpc:grpc-context / grpc-api (version in ctx4j-bench/pom.xml) |\n");
      sb.append("| JMH 1.37, timed benchmarks | `")
          .append(String.join(" ", s.timed()))
          .append("` (2-thread shapes in throughput mode, shown as ns per operation as Go's")
          .append(" `RunParallel` reports them) |\n");
      sb.append("| JMH fork JVM options (every fork) | `-jvmArgsPrepend \"")
          .append(FORK_HEAP)
          .append("\"` |\n");
      sb.append("| JMH 1.37, single-shot (wake, fanoutCancel, floorUnpark) | `")
          .append(String.join(" ", s.singleShot()))
          .append("` |\n");
      sb.append("| Go settings | `-benchtime ")
          .append(s.goBenchtime())
          .append("`; wake and fan-out `-benchtime ")
          .append(s.goHeavyBenchtime())
          .append("`; GOMAXPROCS = cores |\n\n");
      sb.append("## Results\n\n");
      List<List<String>> rows = cells(run.table());
      sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
      sb.append("|---|---|---:|---:|---:|---:|---:|\n");
      for (List<String> r : rows) {
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
            long kb = Long.parseLong(Parsers.SPACES.split(line.trim(), -1)[1]);
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

  /** The performance targets of the project, checked against one run's table. */
  static final class Targets {
    private Targets() {}

    /** A ratio check: {@code a / b <= limit}. */
    record Check(String what, Figure a, Figure b, double limit) {}

    static List<String> check(Table t) {
      List<Check> checks = new ArrayList<>();
      add(
          checks,
          t,
          "errLive vs Go Err() (live)",
          "errLive",
          "",
          "ctx4j",
          "errLive",
          "",
          "go",
          0.1);
      add(
          checks,
          t,
          "errLiveParallel vs Go Err() (live, 2 threads)",
          "errLiveParallel",
          "",
          "ctx4j",
          "errLiveParallel",
          "",
          "go",
          0.1);
      add(checks, t, "childCancel vs Go", "childCancel", "", "ctx4j", "childCancel", "", "go", 0.2);
      add(
          checks,
          t,
          "childCancel vs floorChild",
          "childCancel",
          "",
          "ctx4j",
          "floorChild",
          "",
          "floor",
          2.0);
      add(
          checks,
          t,
          "childCancelParallel vs floorChildParallel",
          "childCancelParallel",
          "",
          "ctx4j",
          "floorChildParallel",
          "",
          "floor",
          1.2);
      add(
          checks,
          t,
          "timeoutCancel vs Go",
          "timeoutCancel",
          "pending=0",
          "ctx4j",
          "timeoutCancel",
          "pending=0",
          "go",
          0.3);
      add(
          checks,
          t,
          "timeoutCancel vs grpc withDeadlineAfter",
          "timeoutCancel",
          "pending=0",
          "ctx4j",
          "timeoutCancel",
          "pending=0",
          "grpc",
          0.2);
      add(
          checks,
          t,
          "timeoutCancel flat: 100,000 pending vs none",
          "timeoutCancel",
          "pending=100000",
          "ctx4j",
          "timeoutCancel",
          "pending=0",
          "ctx4j",
          1.3);
      add(
          checks,
          t,
          "timed contexts vs plain (timedChurn)",
          "timedChurn",
          "kind=withTimeout",
          "ctx4j",
          "timedChurn",
          "kind=withCancel",
          "ctx4j",
          1.5);
      double[][] fanout = {{1000, 0.35}, {10000, 0.25}, {100000, 0.25}};
      for (double[] f : fanout) {
        String p = "children=" + (long) f[0];
        add(
            checks,
            t,
            "fanoutCancel per child vs Go, " + p,
            "fanoutCancel",
            p,
            "ctx4j",
            "fanoutCancel",
            p,
            "go",
            f[1]);
      }
      add(
          checks,
          t,
          "cancelTree depth=1000 openCanceler vs Go",
          "cancelTree",
          "depth=1000 root=openCanceler",
          "ctx4j",
          "cancelTree",
          "depth=1000 root=openCanceler",
          "go",
          0.15);
      for (String n : List.of("1000", "10000", "100000")) {
        add(
            checks,
            t,
            "wake vs floorUnpark, waiters=" + n,
            "wake",
            "waiters=" + n,
            "ctx4j",
            "floorUnpark",
            "waiters=" + n,
            "floor",
            1.1);
      }
      add(
          checks,
          t,
          "deepValueSameThread depth=10 vs Go",
          "deepValueSameThread",
          "depth=10",
          "ctx4j",
          "deepValueSameThread",
          "depth=10",
          "go",
          0.15);
      add(
          checks,
          t,
          "deepValueSameThread depth=100 vs Go",
          "deepValueSameThread",
          "depth=100",
          "ctx4j",
          "deepValueSameThread",
          "depth=100",
          "go",
          0.25);
      add(
          checks,
          t,
          "withValue vs Go WithValue",
          "withValue",
          "",
          "ctx4j",
          "withValue",
          "",
          "go",
          1.0);
      add(
          checks,
          t,
          "listenerChildCancel flat: 1,000,000 cancelled children vs none",
          "listenerChildCancel",
          "existing=1000000",
          "ctx4j",
          "listenerChildCancel",
          "existing=0",
          "ctx4j",
          1.3);
      for (Row r : t.rows.values()) {
        if (!isGoParity(r.bench)) {
          continue;
        }
        double limit =
            switch (r.bench) {
              case "commonParentCancel" -> 0.8;
              case "deepValueNewThread" -> 1.0;
              case "deepValueSameThread" ->
                  r.params.equals("depth=10") || r.params.equals("depth=100") ? -1 : 0.5;
              case "cancelTree" -> r.params.equals("depth=1000 root=openCanceler") ? -1 : 0.5;
              default -> 0.5;
            };
        if (limit > 0) {
          add(
              checks,
              r.bench + (r.params.isEmpty() ? "" : " " + r.params) + " vs Go",
              r,
              "go",
              limit);
        }
      }
      for (Row r : t.rows.values()) {
        if (r.get("ctx4j") != null
            && r.get("grpc") != null
            && !r.bench.startsWith("retained")
            && !r.bench.startsWith("alloc")
            && !r.bench.startsWith("idle")) {
          double limit = plainChildOnGrpc(r) ? 2.0 : 0.5;
          add(
              checks,
              r.bench + (r.params.isEmpty() ? "" : " " + r.params) + " vs grpc",
              r,
              "grpc",
              limit);
        }
      }
      List<String> lines = new ArrayList<>();
      for (String b : TRACED_CREATION) {
        add(
            checks,
            t,
            b + " tracing on vs off",
            b,
            "tracing=on",
            "ctx4j",
            b,
            "tracing=off",
            "ctx4j",
            2.0);
      }
      lines.addAll(tracing(t));
      for (Check c : checks) {
        double ratio = c.a().value() / c.b().value();
        boolean ok = ratio <= c.limit();
        lines.add(
            String.format(
                Locale.ROOT,
                "%s %s: %.2f× (target ≤ %.2f×%s)",
                ok ? "met    " : "NOT met",
                c.what(),
                ratio,
                c.limit(),
                ok ? "" : String.format(Locale.ROOT, ", %.1f× over", ratio / c.limit())));
      }
      lines.addAll(absolute(t));
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

    /** Creation shapes whose tracing-on cost must stay within 2× of tracing off. */
    static final List<String> TRACED_CREATION =
        List.of(
            "tracingChildCreate", "tracingWithValue", "tracingTimeoutCreate", "tracingTopCreate");

    /** Tracing off vs the untraced shape measured elsewhere in the run. */
    static final List<String[]> TRACING_OFF_PEERS =
        List.of(
            new String[] {"tracingChildCancel", "childCancel", ""},
            new String[] {"tracingWithValue", "withValue", ""},
            new String[] {"tracingTimeoutCancel", "timeoutCancel", "pending=0"});

    /**
     * Tracing off must be within noise of the same shape in {@code PropagationBenchmark} (≤ 1.05×,
     * or the difference within the two JMH errors). Tracing-on creation (at most 2× off) is an
     * ordinary ratio check.
     */
    static List<String> tracing(Table t) {
      List<String> lines = new ArrayList<>();
      for (String[] p : TRACING_OFF_PEERS) {
        Figure off = t.get(p[0], "tracing=off", "ctx4j");
        Figure plain = t.get(p[1], p[2], "ctx4j");
        if (off != null && plain != null) {
          double ratio = off.value() / plain.value();
          boolean withinError = off.value() - plain.value() <= off.error() + plain.error();
          boolean ok = ratio <= 1.05 || withinError;
          lines.add(
              String.format(
                  Locale.ROOT,
                  "%s %s tracing off vs %s (no tracing installed): %.2f× (target within noise:"
                      + " ≤ 1.05× or within the error, ±%.1f ns)",
                  ok ? "met    " : "NOT met",
                  p[0],
                  p[1],
                  ratio,
                  off.error() + plain.error()));
        }
      }
      return lines;
    }

    private static List<String> absolute(Table t) {
      List<String> lines = new ArrayList<>();
      limit(
          lines,
          t.get("retainedWithCancel", "", "ctx4j"),
          "retained bytes of a withCancel child",
          64);
      limit(
          lines,
          t.get("retainedWithTimeout", "", "ctx4j"),
          "retained bytes of a withTimeout child",
          128);
      limit(
          lines,
          t.get("allocCancelPerDescendant", "", "ctx4j"),
          "bytes allocated per cancelled descendant",
          0.5);
      limit(
          lines,
          t.get("idleTimerCpu", "", "ctx4j"),
          "timer thread CPU with 10,000 deadlines pending",
          0.05);
      return lines;
    }

    private static void limit(List<String> lines, Figure f, String what, double max) {
      if (f != null) {
        boolean ok = f.value() <= max;
        lines.add(
            String.format(
                Locale.ROOT,
                "%s %s: %.1f %s (target ≤ %s)",
                ok ? "met" : "NOT met",
                what,
                f.value(),
                f.unit(),
                String.format(Locale.ROOT, max < 1 ? "%.2f" : "%.0f", max)));
      }
    }

    /**
     * Shapes whose grpc side creates plain children with no listener: grpc-java never registers
     * those with their parent (a bare allocation), so the issue's target there is "within 2×"
     * rather than "≤ 0.5×".
     */
    private static boolean plainChildOnGrpc(Row r) {
      return r.bench.startsWith("childCancel")
          || r.bench.startsWith("commonParentCancel")
          || r.bench.equals("cancelTree")
          || (r.bench.equals("timedChurn") && r.params.equals("kind=withCancel"));
    }

    private static boolean isGoParity(String bench) {
      return List.of(
              "commonParentCancel",
              "commonParentCancelNoWork",
              "withTimeout",
              "cancelTree",
              "checkCanceledErr",
              "checkCanceledDone",
              "contextCancelDone",
              "deepValueSameThread",
              "deepValueNewThread")
          .contains(bench);
    }

    private static void add(
        List<Check> checks,
        Table t,
        String what,
        String ab,
        String ap,
        String ai,
        String bb,
        String bp,
        String bi,
        double limit) {
      Figure a = t.get(ab, ap, ai);
      Figure b = t.get(bb, bp, bi);
      if (a != null && b != null) {
        checks.add(new Check(what, a, b, limit));
      }
    }

    private static void add(List<Check> checks, String what, Row r, String peer, double limit) {
      Figure a = r.get("ctx4j");
      Figure b = r.get(peer);
      if (a != null && b != null) {
        checks.add(new Check(what, a, b, limit));
      }
    }
  }
}
