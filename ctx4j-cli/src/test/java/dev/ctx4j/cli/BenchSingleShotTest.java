package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.BenchTable.Figure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Single-shot figures: JMH's JSON result read shot by shot into a median and a p10–p90 spread. The
 * fixture {@code jmh-single-shot.json} is JMH 1.37's own output of a short run ({@code -f 2 -wi 1
 * -i 4}) of fanoutCancel, wake and both groupFailure peers, one parameter each.
 */
class BenchSingleShotTest {
  private static String fixture() throws IOException {
    try (InputStream in = BenchSingleShotTest.class.getResourceAsStream("jmh-single-shot.json")) {
      assertNotNull(in, "fixture missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** JMH's own 50th percentile of one result of the fixture, read independently of the parser. */
  @SuppressWarnings("unchecked")
  private static double jmhMedian(String json, String benchmark) {
    for (Object o : (List<Object>) BenchJson.parse(json)) {
      Map<String, Object> r = (Map<String, Object>) o;
      if (r.get("benchmark").equals(benchmark)) {
        Map<String, Object> metric = (Map<String, Object>) r.get("primaryMetric");
        return (Double) ((Map<String, Object>) metric.get("scorePercentiles")).get("50.0");
      }
    }
    throw new AssertionError("not in the fixture: " + benchmark);
  }

  @Test
  void realJmhJson_givesTheMedianOfEveryShotOfEveryFork_asJmhComputesIt() throws IOException {
    String json = fixture();
    BenchTable t = new BenchTable();
    List<String> problems = BenchParsers.jmhJson(json, t);
    assertEquals(List.of(), problems);

    Figure wake = t.get("wake", "waiters=1000", BenchTable.CTX4J);
    assertNotNull(wake, "" + t.rows.keySet());
    assertEquals(8, wake.shots(), "2 forks x 4 measured shots; warm-up shots are not in rawData");
    assertEquals(jmhMedian(json, "dev.ctx4j.bench.PropagationBenchmark.wake"), wake.value(), 1e-6);
    assertEquals("ns/op", wake.unit());
    assertTrue(wake.low() <= wake.value() && wake.value() <= wake.high(), "" + wake);

    Figure jdk = t.get("groupFailure", "tasks=1000", BenchTable.JDK);
    Figure mine = t.get("groupFailure", "tasks=1000", BenchTable.CTX4J);
    assertNotNull(jdk, "" + t.rows.keySet());
    assertNotNull(mine, "" + t.rows.keySet());
    assertEquals(
        jmhMedian(json, "dev.ctx4j.bench.StructuredScopeBenchmark.groupFailure"),
        jdk.value(),
        1e-6);
    assertEquals(
        jmhMedian(json, "dev.ctx4j.bench.TaskGroupBenchmark.groupFailure"), mine.value(), 1e-6);

    // fan-out is shown per child: the fixture's shots (ns/op) divided by children=1000
    Figure fan = t.get("fanoutCancel", "children=1000", BenchTable.CTX4J);
    assertEquals("ns/child", fan.unit());
    assertEquals(
        jmhMedian(json, "dev.ctx4j.bench.PropagationBenchmark.fanoutCancel") / 1000,
        fan.value(),
        1e-9);
    // its fork 1 opened with a 26,430 ns shot, fork 2's fastest was 9,394 ns (see the fixture)
    assertTrue(fan.high() < 26.430 && fan.low() > 9.394, "" + fan);
  }

  @Test
  void percentile_interpolatesBetweenTheNearestRanks() {
    double[] v = {1, 2, 3, 4};
    assertEquals(2.5, BenchParsers.percentile(v, 50), 1e-12);
    assertEquals(1.3, BenchParsers.percentile(v, 10), 1e-12);
    assertEquals(3.7, BenchParsers.percentile(v, 90), 1e-12);
    assertEquals(1, BenchParsers.percentile(v, 0), 1e-12);
    assertEquals(4, BenchParsers.percentile(v, 100), 1e-12);
    assertEquals(7, BenchParsers.percentile(new double[] {7}, 50), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> BenchParsers.percentile(new double[0], 50));
  }

  /** The case: one fork of three lands in a slow mode; the median stays, the mean moves. */
  @Test
  void oneSlowFork_movesTheSpreadNotTheMedian() {
    String json =
        """
        [ { "benchmark" : "dev.ctx4j.bench.FloorBenchmark.floorUnpark", "mode" : "ss",
            "params" : { "waiters" : "100000" },
            "primaryMetric" : { "score" : 32.6, "scoreError" : "NaN", "scoreUnit" : "ms/op",
              "rawData" : [ [24.5, 24.0, 25.0, 24.8], [47.6, 48.0, 47.1, 46.9],
                            [25.9, 25.1, 24.9, 25.3] ] } } ]
        """;
    BenchTable t = new BenchTable();
    assertEquals(List.of(), BenchParsers.jmhJson(json, t));
    Figure f = t.get("floorUnpark", "waiters=100000", BenchTable.FLOOR);
    assertNotNull(f, "" + t.rows.keySet());
    assertEquals(12, f.shots());
    assertEquals(25.2e6, f.value(), 1, "median of 12 shots: (25.1 + 25.3) / 2 ms");
    assertTrue(f.high() > 46e6, "the slow fork shows in p90: " + f);
    assertTrue(f.low() < 24.6e6, "" + f);
  }

  @Test
  void unknownClass_isNamed_andMalformedJson_namesTheOffset() {
    BenchTable t = new BenchTable();
    List<String> problems =
        BenchParsers.jmhJson(
            "[{\"benchmark\":\"x.y.NewBenchmark.run\",\"params\":{},"
                + "\"primaryMetric\":{\"scoreUnit\":\"us/op\",\"rawData\":[[1.0]]}}]",
            t);
    assertEquals(
        List.of(
            "unknown benchmark class NewBenchmark (add it to BenchSource): x.y.NewBenchmark.run"),
        problems);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchParsers.jmhJson("[{\"benchmark\" \"x\"}]", new BenchTable()));
    assertEquals("JSON at offset 14: expected ':'", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchParsers.jmhJson("{\"benchmark\":1}", new BenchTable()));
  }

  @Test
  void json_readsEscapes_numbers_andBareNonFiniteNumbers() {
    assertEquals(
        List.of("a\"b\\c\u00e9", -1.5e3, Double.NaN, true, false),
        BenchJson.parse(" [\"a\\\"b\\\\c\\u00e9\", -1.5e3, NaN, true, false] "));
    assertThrows(IllegalArgumentException.class, () -> BenchJson.parse("[1] x"));
    assertThrows(IllegalArgumentException.class, () -> BenchJson.parse("[1,"));
  }

  @Test
  void shownCell_carriesTheSpread_andReadsBackFromMarkdown() {
    Figure f = Figure.ofShots(28.9e6, "ns/op", 27.1e6, 31.0e6, 60);
    String cell = BenchReport.show(f);
    assertEquals("28.90 ms/op [27.10–31.00]", cell);
    Figure back = BenchMarkdown.figure(cell);
    assertNotNull(back);
    assertEquals(28.9e6, back.value(), 1);
    assertEquals(27.1e6, back.low(), 1);
    assertEquals(31.0e6, back.high(), 1);
    assertEquals("ns/op", back.unit());
    assertEquals("646 ns/op", BenchReport.show(new Figure(646, "ns/op")));
    assertEquals(646, BenchMarkdown.figure("646 ns/op").value(), 1e-9);
    assertEquals(
        "20.68 ns/child [9.40–26.40]",
        BenchReport.show(Figure.ofShots(20.68, "ns/child", 9.4, 26.4, 8)));
  }

  @Test
  void targets_useTheMedians() {
    BenchTable t = new BenchTable();
    t.put(
        "wake",
        "waiters=100000",
        BenchTable.CTX4J,
        Figure.ofShots(27e6, "ns/op", 26e6, 60e6, 60),
        BenchSource.Suite.PROPAGATION);
    t.put(
        "floorUnpark",
        "waiters=100000",
        BenchTable.FLOOR,
        Figure.ofShots(25e6, "ns/op", 24e6, 48e6, 60),
        null);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(
        lines.contains("met     wake vs floorUnpark, waiters=100000: 1.08× (target ≤ 1.10×)"),
        "" + lines);
  }
}
