package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.BenchSource.Suite;
import dev.ctx4j.cli.BenchTable.Figure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The targets file, the parsers and the benchmark identity of {@code ctx4j bench}. */
class BenchTargetsTest {
  private static Figure ns(double v) {
    return new Figure(v, "ns/op");
  }

  @Test
  void shippedTargets_parse_withEveryKind() {
    List<BenchTargets.Target> targets = BenchTargets.load().targets();
    for (BenchTargets.Kind k : BenchTargets.Kind.values()) {
      assertTrue(targets.stream().anyMatch(t -> t.kind() == k), "no " + k + " target");
    }
    assertTrue(targets.size() > 40, "targets: " + targets.size());
  }

  @Test
  void malformedLine_namesItsLineNumber() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchTargets.parse("# c\nratio | x | errLive | errLive@go | 0.1\n"));
    assertTrue(e.getMessage().startsWith("bench-targets.txt line 2: "), e.getMessage());
    assertTrue(e.getMessage().contains("'errLive'"), e.getMessage());
  }

  @Test
  void ratioTarget_metAndNotMet() {
    BenchTable t = new BenchTable();
    t.put("errLive", "", "ctx4j", ns(0.5), Suite.PROPAGATION);
    t.put("errLive", "", "go", ns(12.5), null);
    t.put("withValue", "", "ctx4j", ns(30), Suite.PROPAGATION);
    t.put("withValue", "", "go", ns(20), null);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(
        lines.contains("met     errLive vs Go Err() (live): 0.04× (target ≤ 0.10×)"), "" + lines);
    assertTrue(
        lines.contains("NOT met withValue vs Go WithValue: 1.50× (target ≤ 1.00×, 1.5× over)"),
        "" + lines);
    assertEquals("targets: 1 met, 1 not met", lines.get(0).substring(0, 25), lines.get(0));
  }

  @Test
  void everyGoParityRow_usesTheFirstMatchingLine_andSkipsRowsWithTheirOwnTarget() {
    BenchTable t = new BenchTable();
    put(t, "commonParentCancel", "", Suite.GO_PARITY, 9, 10);
    put(t, "deepValueSameThread", "depth=10", Suite.GO_PARITY, 1, 100);
    put(t, "deepValueSameThread", "depth=50", Suite.GO_PARITY, 1, 100);
    put(t, "timedChurn", "kind=withTimeout", Suite.PROPAGATION, 1, 100);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(
        lines.contains("NOT met commonParentCancel vs Go: 0.90× (target ≤ 0.80×, 1.1× over)"),
        "" + lines);
    assertTrue(
        lines.contains("met     deepValueSameThread depth=50 vs Go: 0.01× (target ≤ 0.50×)"));
    assertTrue(
        lines.contains("met     deepValueSameThread depth=10 vs Go: 0.01× (target ≤ 0.15×)"));
    assertEquals(
        1, lines.stream().filter(l -> l.contains("deepValueSameThread depth=10 vs Go")).count());
    assertTrue(lines.stream().noneMatch(l -> l.contains("timedChurn kind=withTimeout vs Go")));
  }

  @Test
  void everyGrpcRow_plainChildrenWithin2x_footprintLeftToAbsoluteTargets() {
    BenchTable t = new BenchTable();
    t.put("childCancel", "", "ctx4j", ns(30), Suite.PROPAGATION);
    t.put("childCancel", "", "grpc", ns(20), Suite.PROPAGATION);
    t.put("wake", "waiters=1000", "ctx4j", ns(30), Suite.PROPAGATION);
    t.put("wake", "waiters=1000", "grpc", ns(20), Suite.PROPAGATION);
    t.put("retainedWithCancel", "", "ctx4j", new Figure(40, "B/ctx"), Suite.FOOTPRINT);
    t.put("retainedWithCancel", "", "grpc", new Figure(20, "B/ctx"), Suite.FOOTPRINT);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(lines.contains("met     childCancel vs grpc: 1.50× (target ≤ 2.00×)"), "" + lines);
    assertTrue(
        lines.contains("NOT met wake waiters=1000 vs grpc: 1.50× (target ≤ 0.50×, 3.0× over)"));
    assertTrue(lines.stream().noneMatch(l -> l.contains("retainedWithCancel vs grpc")));
    assertTrue(
        lines.contains("met retained bytes of a withCancel child: 40.0 B/ctx (target ≤ 64)"));
  }

  @Test
  void noiseTarget_metWithinTheErrors() {
    BenchTable t = new BenchTable();
    t.put("tracingWithValue", "tracing=off", "ctx4j", new Figure(11, "ns/op", 0.6), Suite.TRACING);
    t.put("withValue", "", "ctx4j", new Figure(10, "ns/op", 0.5), Suite.PROPAGATION);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(
        lines.contains(
            "met     tracingWithValue tracing off vs withValue (no tracing installed): 1.10×"
                + " (target within noise: ≤ 1.05× or within the error, ±1.1 ns)"),
        "" + lines);
  }

  @Test
  void jmhCsv_knownClassesByTable_unknownClassIsAProblem() {
    BenchTable t = new BenchTable();
    List<String> problems =
        BenchParsers.jmhCsv(
            List.of(
                "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error"
                    + " (99.9%)\",\"Unit\",\"Param: children\",\"Param: tracing\"",
                "\"dev.ctx4j.bench.TracingBenchmark.childCreate\",\"avgt\",1,5,20.0,1.0,\"ns/op\",,on",
                "\"dev.ctx4j.bench.GrpcPropagationBenchmark.fanoutCancel\",\"ss\",1,5,2.0,,"
                    + "\"ms/op\",1000,",
                "\"dev.ctx4j.bench.NewBenchmark.x\",\"avgt\",1,5,1.0,0.1,\"ns/op\",,"),
            t);
    assertEquals(
        List.of(
            "unknown benchmark class NewBenchmark (add it to BenchSource):"
                + " dev.ctx4j.bench.NewBenchmark.x"),
        problems);
    assertEquals(ns(20.0).value(), t.get("tracingChildCreate", "tracing=on", "ctx4j").value());
    assertEquals(Suite.TRACING, t.rows.get("tracingChildCreate|tracing=on").suite);
    Figure perChild = t.get("fanoutCancel", "children=1000", "grpc");
    assertEquals(2000.0, perChild.value(), 1e-9);
    assertEquals("ns/child", perChild.unit());
  }

  @Test
  void goBench_namesFollowTheJavaShapes() {
    BenchTable t = new BenchTable();
    BenchParsers.goBench(
        List.of(
            "BenchmarkCancelTree/depth=10/Root=Background-2   1000  1234 ns/op",
            "BenchmarkCheckCanceled/Err-2   100000  12.5 ns/op",
            "BenchmarkDeepValueNewGoRoutine/depth=10-2  500  800 ns/op",
            "BenchmarkFanoutCancel/children=1000-2  10  117 ns/child",
            "PASS"),
        t);
    assertEquals(1234, t.get("cancelTree", "depth=10 root=background", "go").value());
    assertEquals(12.5, t.get("checkCanceledErr", "", "go").value());
    assertEquals(800, t.get("deepValueNewThread", "depth=10", "go").value());
    assertEquals("ns/child", t.get("fanoutCancel", "children=1000", "go").unit());
  }

  @Test
  void everyJmhClassOfTheBenchModule_hasASource() throws IOException {
    Path dir = Path.of("..", "ctx4j-bench", "src", "main", "java", "dev", "ctx4j", "bench");
    List<String> classes;
    try (Stream<Path> files = Files.list(dir)) {
      classes =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith("Benchmark.java"))
              .map(n -> n.substring(0, n.length() - ".java".length()))
              .sorted()
              .toList();
    }
    assertTrue(classes.size() >= 7, "" + classes);
    for (String c : classes) {
      assertTrue(BenchSource.ofClass(c).isPresent(), c + " is not in BenchSource");
    }
  }

  private static void put(
      BenchTable t, String bench, String params, Suite s, double me, double go) {
    t.put(bench, params, "ctx4j", ns(me), s);
    t.put(bench, params, "go", ns(go), null);
  }
}
