package dev.ctx4j.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load test: each {@link LoadServer} variant in a fresh JVM, driven by {@code wrk} (HTTP/1.1,
 * keep-alive) for a warm-up and then a measured run; requests/s and p50/p99 latency, each also as a
 * ratio to its plain server (Spring Boot with the starter to Spring Boot without it, Jetty's
 * handler to the plain handler, the filter to the plain servlet). Prints a Markdown table for
 * BENCHMARKS.md with the load average before each point.
 *
 * <p>Options: {@code --duration 30} (seconds measured per point), {@code --warmup 10}, {@code
 * --connections 64}, {@code --threads 2} (wrk's), {@code --repeat 1} (rounds over all variants; the
 * round with the median requests/s is reported per variant), {@code --variants a,b,...}, {@code
 * --wrk /usr/bin/wrk}.
 */
public final class LoadTest {
  private LoadTest() {}

  /** One measured point. */
  record Point(
      String variant,
      double requestsPerSecond,
      double p50Ms,
      double p99Ms,
      long errors,
      String loadAverage) {}

  /**
   * Runs the load test.
   *
   * @param args options, see the class comment
   * @throws Exception if a server or wrk cannot run
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int duration = Integer.parseInt(o.getOrDefault("duration", "30"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
    int connections = Integer.parseInt(o.getOrDefault("connections", "64"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
    int repeat = Integer.parseInt(o.getOrDefault("repeat", "1"));
    String wrk = o.getOrDefault("wrk", "wrk");
    List<String> variants =
        o.containsKey("variants")
            ? List.of(COMMA.split(o.get("variants"), -1))
            : LoadServer.VARIANTS;
    if (duration < 1
        || warmup < 0
        || connections < 1
        || threads < 1
        || threads > connections
        || repeat < 1) {
      throw new IllegalArgumentException(
          "need --duration >= 1, --warmup >= 0, 1 <= --threads <= --connections, --repeat >= 1");
    }
    System.out.printf(
        "wrk -t%d -c%d, warm-up %d s, measured %d s per point; Java %s; %d CPUs%n",
        threads,
        connections,
        warmup,
        duration,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    Map<String, List<Point>> runs = new LinkedHashMap<>();
    for (int round = 0; round < repeat; round++) {
      for (String variant : variants) {
        Point p = measure(variant, wrk, threads, connections, warmup, duration);
        runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(p);
        System.out.printf(
            "%-24s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d  load %s%n",
            p.variant(), p.requestsPerSecond(), p.p50Ms(), p.p99Ms(), p.errors(), p.loadAverage());
      }
    }
    List<Point> points = new ArrayList<>();
    runs.values().forEach(r -> points.add(median(r)));
    System.out.println();
    if (repeat > 1) {
      System.out.println("Medians of " + repeat + " rounds (the round with the median req/s):");
    }
    System.out.println(table(points));
  }

  /** The round with the median requests/s (the lower middle one for an even count). */
  static Point median(List<Point> rounds) {
    List<Point> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(Point::requestsPerSecond));
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs: " + args[i]);
      }
      o.put(args[i].substring(2), args[++i]);
    }
    return o;
  }

  private static Point measure(
      String variant, String wrk, int threads, int connections, int warmup, int duration)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process server =
        new ProcessBuilder(
                java,
                "-Xms512m",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                LoadServer.class.getName(),
                variant)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      int port = awaitPort(server);
      String url = "http://127.0.0.1:" + port + "/hello";
      if (warmup > 0) {
        String unused = run(wrk, "-t" + threads, "-c" + connections, "-d" + warmup + "s", url);
      }
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      String out =
          run(wrk, "-t" + threads, "-c" + connections, "-d" + duration + "s", "--latency", url);
      return parse(variant, out, load);
    } finally {
      server.getOutputStream().close();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static int awaitPort(Process server) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith("LISTENING ")) {
        return Integer.parseInt(line.substring("LISTENING ".length()).trim());
      }
    }
    throw new IOException("the server ended before listening");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern COMMA = Pattern.compile(",");
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern ERRORS =
      Pattern.compile("(?:Non-2xx or 3xx responses|Socket errors):\\s*(.*)");

  static Point parse(String variant, String wrk, String load) {
    Matcher rps = RPS.matcher(wrk);
    if (!rps.find()) {
      throw new IllegalStateException("no Requests/sec in wrk's output:\n" + wrk);
    }
    long errors = 0;
    Matcher e = ERRORS.matcher(wrk);
    while (e.find()) {
      for (Matcher n = Pattern.compile("(\\d+)").matcher(e.group(1)); n.find(); ) {
        errors += Long.parseLong(n.group(1));
      }
    }
    return new Point(
        variant,
        Double.parseDouble(rps.group(1)),
        percentile(wrk, "50%"),
        percentile(wrk, "99%"),
        errors,
        load);
  }

  /** A line of wrk's latency distribution, in ms. */
  private static double percentile(String wrk, String which) {
    Matcher m =
        Pattern.compile(
                "^\\s*" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
            .matcher(wrk);
    if (!m.find()) {
      throw new IllegalStateException("no " + which + " latency in wrk's output:\n" + wrk);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  /** The plain server a variant is compared with. */
  static String baseline(String variant) {
    if (variant.startsWith("boot")) {
      return "boot-plain";
    }
    if (variant.startsWith("jetty-handler") || variant.equals("jetty-plain")) {
      return "jetty-plain";
    }
    return "jetty-servlet";
  }

  static String table(List<Point> points) {
    Map<String, Point> byVariant = new LinkedHashMap<>();
    points.forEach(p -> byVariant.put(p.variant(), p));
    StringBuilder sb =
        new StringBuilder(
            "| server | req/s | p50 | p99 | req/s ÷ plain | p50 ÷ plain | p99 ÷ plain | errors |"
                + " load average (1/5/15 min) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Point p : points) {
      Point plain = byVariant.get(baseline(p.variant()));
      String[] load = WHITESPACE.split(p.loadAverage(), -1);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.3f ms | %.3f ms | %s | %s | %s | %d | %s %s %s |%n",
              p.variant(),
              p.requestsPerSecond(),
              p.p50Ms(),
              p.p99Ms(),
              plain == null ? "" : ratio(p.requestsPerSecond(), plain.requestsPerSecond()),
              plain == null ? "" : ratio(p.p50Ms(), plain.p50Ms()),
              plain == null ? "" : ratio(p.p99Ms(), plain.p99Ms()),
              p.errors(),
              load[0],
              load.length > 1 ? load[1] : "",
              load.length > 2 ? load[2] : ""));
    }
    return sb.toString();
  }

  private static String ratio(double a, double b) {
    return b == 0 ? "" : String.format(Locale.ROOT, "%.3f", a / b);
  }
}
