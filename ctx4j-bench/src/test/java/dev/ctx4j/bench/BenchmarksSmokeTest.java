package dev.ctx4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark once, in this JVM, with the smallest parameters and a few milliseconds of
 * measurement: proves each one sets up, runs and tears down (no figure is checked). The real runs
 * are {@code ./ctx4j bench} and {@code java -jar ctx4j-bench/target/benchmarks.jar}.
 */
class BenchmarksSmokeTest {
  /** Every benchmark method of the module, by simple class name and method. */
  static final Set<String> ALL =
      new TreeSet<>(
          List.of(
              "CurrentBindingBenchmark.bindScopedValue",
              "CurrentBindingBenchmark.bindThreadLocal",
              "FloorBenchmark.floorChild",
              "FloorBenchmark.floorChildParallel",
              "FloorBenchmark.floorUnpark",
              "GoParityBenchmark.cancelTree",
              "GoParityBenchmark.checkCanceledDone",
              "GoParityBenchmark.checkCanceledErr",
              "GoParityBenchmark.commonParentCancel",
              "GoParityBenchmark.commonParentCancelNoWork",
              "GoParityBenchmark.contextCancelDone",
              "GoParityBenchmark.deepValueNewThread",
              "GoParityBenchmark.deepValueSameThread",
              "GoParityBenchmark.withTimeout",
              "GrpcGoParityBenchmark.cancelTree",
              "GrpcGoParityBenchmark.checkCanceledDone",
              "GrpcGoParityBenchmark.checkCanceledErr",
              "GrpcGoParityBenchmark.commonParentCancel",
              "GrpcGoParityBenchmark.commonParentCancelNoWork",
              "GrpcGoParityBenchmark.contextCancelDone",
              "GrpcGoParityBenchmark.deepValueNewThread",
              "GrpcGoParityBenchmark.deepValueSameThread",
              "GrpcGoParityBenchmark.withTimeout",
              "GrpcPropagationBenchmark.childCancel",
              "GrpcPropagationBenchmark.childCancelParallel",
              "GrpcPropagationBenchmark.errLive",
              "GrpcPropagationBenchmark.errLiveParallel",
              "GrpcPropagationBenchmark.fanoutCancel",
              "GrpcPropagationBenchmark.listenerChildCancel",
              "GrpcPropagationBenchmark.timedChurn",
              "GrpcPropagationBenchmark.timeoutCancel",
              "GrpcPropagationBenchmark.wake",
              "GrpcPropagationBenchmark.withValue",
              "KotlinPeerBenchmark.childCancel",
              "KotlinPeerBenchmark.childCancelParallel",
              "KotlinPeerBenchmark.deepValueSameThread",
              "KotlinPeerBenchmark.fanoutCancel",
              "KotlinPeerBenchmark.timeoutCancel",
              "KotlinPeerBenchmark.wake",
              "PropagationBenchmark.childCancel",
              "PropagationBenchmark.childCancelParallel",
              "PropagationBenchmark.errLive",
              "PropagationBenchmark.errLiveParallel",
              "PropagationBenchmark.fanoutCancel",
              "PropagationBenchmark.listenerChildCancel",
              "PropagationBenchmark.timedChurn",
              "PropagationBenchmark.timeoutCancel",
              "PropagationBenchmark.wake",
              "PropagationBenchmark.withValue",
              "TaskGroupBenchmark.groupFailure",
              "TracingBenchmark.childCancel",
              "TracingBenchmark.childCreate",
              "TracingBenchmark.timeoutCancel",
              "TracingBenchmark.timeoutCreate",
              "TracingBenchmark.topCreate",
              "TracingBenchmark.withValue"));

  @Test
  void everyBenchmark_runsOnceWithSmallestParameters_producesAScore() throws Exception {
    System.setProperty("jmh.ignoreLock", "true");
    Options opts =
        new OptionsBuilder()
            .include("dev\\.ctx4j\\.bench\\.")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(20))
            .param("concurrency", "40")
            .param("depth", "10")
            .param("children", "10")
            .param("waiters", "10")
            .param("pending", "0")
            .param("existing", "10000")
            .param("tasks", "10")
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(opts).run();

    Set<String> ran = new TreeSet<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String cls = name.substring(0, name.lastIndexOf('.'));
      ran.add(cls.substring(cls.lastIndexOf('.') + 1) + name.substring(name.lastIndexOf('.')));
      double score = r.getPrimaryResult().getScore();
      assertTrue(
          Double.isFinite(score) && score > 0, name + " " + r.getParams() + " scored " + score);
    }
    Set<String> expected = new TreeSet<>(ALL);
    if (Runtime.version().feature() == 25) {
      // the preview source set, built on JDK 25 only (profile jdk25-preview, ADR 0140)
      expected.add("StructuredScopeBenchmark.groupFailure");
    }
    assertEquals(expected, ran, "benchmarks that produced a result");
  }

  @Test
  void footprint_printsEveryFigureForBothImplementations() throws Exception {
    PrintStream previous = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      Footprint.main(new String[] {"0.01"});
    } finally {
      System.setOut(previous);
    }
    List<String> lines =
        buf.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("footprint "))
            .toList();
    Set<String> figures = new TreeSet<>();
    for (String l : lines) {
      String[] f = l.split(" ", -1);
      assertEquals(5, f.length, l);
      assertTrue(Double.parseDouble(f[3]) >= 0, l);
      figures.add(f[1] + " " + f[2]);
    }
    Set<String> expected = new TreeSet<>();
    for (String name :
        List.of(
            "retainedWithCancel",
            "retainedWithTimeout",
            "retainedWithValue",
            "allocChildCancel",
            "allocTimeoutCancel",
            "idleTimerCpu")) {
      expected.add(name + " ctx4j");
      expected.add(name + " grpc");
    }
    expected.add("allocCancelPerDescendant ctx4j");
    assertEquals(expected, figures);
  }
}
