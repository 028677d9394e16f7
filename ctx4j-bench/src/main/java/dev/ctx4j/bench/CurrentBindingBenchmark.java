package dev.ctx4j.bench;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two stores behind {@link Context#current()}, on this one JDK: ctx4j-core is a multi-release
 * jar whose Java 25 layer binds with a {@code ScopedValue} and whose base layer (Java 21–24) with a
 * {@code ThreadLocal}. {@code bindScopedValue} runs the benchmarks jar as shipped; {@code
 * bindThreadLocal} runs it with multi-release lookups switched off, so the base layer is loaded.
 * Each operation binds a context with {@code run}, reads {@code current()} inside, and unbinds.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar CurrentBindingBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CurrentBindingBenchmark {
  private final CancellableContext ctx = Context.background().withCancel();

  @Benchmark
  @Fork(jvmArgsAppend = "-Djdk.util.jar.enableMultiRelease=true")
  public void bindScopedValue(Blackhole bh) {
    ctx.run(() -> bh.consume(Context.current()));
  }

  @Benchmark
  @Fork(jvmArgsAppend = "-Djdk.util.jar.enableMultiRelease=false")
  public void bindThreadLocal(Blackhole bh) {
    ctx.run(() -> bh.consume(Context.current()));
  }

  @TearDown
  public void release() {
    ctx.cancel();
  }
}
