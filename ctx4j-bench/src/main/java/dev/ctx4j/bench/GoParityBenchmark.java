package dev.ctx4j.bench;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * A one-to-one port of Go's {@code src/context/benchmark_test.go} (Go 1.19) to ctx4j: same shapes,
 * same parameter names, same work per operation.
 *
 * <p>Go's {@code b.RunParallel} runs GOMAXPROCS goroutines and reports wall time divided by all
 * their operations; the parallel ports here run 2 threads (the machine's cores) in throughput mode,
 * and the report turns ops/s into the same ns/op. {@code select { case <-ctx.Done(): default: }}
 * becomes {@code isDone()}: Java's non-blocking look at the done signal. Go's goroutines become
 * virtual threads, and a loop that runs on a goroutine runs on a {@link VirtualLoop}.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar GoParityBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GoParityBenchmark {
  static final Key<String> KEY = Key.named("key");
  static final Key<Integer> MISSING = Key.named("-1");
  static final Duration HOUR = Duration.ofHours(1);

  /** {@code BenchmarkCommonParentCancel}'s shared parent: a cancellable child of a value node. */
  @State(Scope.Benchmark)
  public static class CommonParent {
    CancellableContext shared;

    @Setup
    public void setUp() {
      shared = Context.background().withValue(KEY, "value").withCancel();
    }

    @TearDown
    public void tearDown() {
      shared.cancel();
    }
  }

  /** The per-goroutine {@code x} of the busy work. */
  @State(Scope.Thread)
  public static class BusyWork {
    int x;
  }

  static int busy(int x) {
    for (int i = 0; i < 100; i++) {
      x /= x + 1;
    }
    return x;
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int commonParentCancel(CommonParent p, BusyWork w) {
    CancellableContext ctx = p.shared.withCancel();
    if (!"value".equals(ctx.value(KEY))) {
      throw new AssertionError("should not be reached");
    }
    int x = busy(w.x);
    ctx.cancel();
    x = busy(x);
    w.x = x;
    return x;
  }

  /** {@code commonParentCancel} without the busy work: what remains is create, lookup, cancel. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CancellableContext commonParentCancelNoWork(CommonParent p) {
    CancellableContext ctx = p.shared.withCancel();
    if (!"value".equals(ctx.value(KEY))) {
      throw new AssertionError("should not be reached");
    }
    ctx.cancel();
    return ctx;
  }

  /** {@code BenchmarkWithTimeout}: {@code concurrency} timed contexts already pending. */
  @State(Scope.Benchmark)
  public static class PendingTimeouts {
    @Param({"40", "4000", "400000"})
    public int concurrency;

    List<CancellableContext> pending;

    @Setup
    public void setUp() {
      pending = new ArrayList<>(concurrency);
      for (int i = 0; i < concurrency; i++) {
        pending.add(Context.background().withTimeout(HOUR));
      }
    }

    @TearDown
    public void tearDown() {
      pending.forEach(CancellableContext::cancel);
    }
  }

  /** Go's {@code wcf}: the ten cancel functions each goroutine reuses. */
  @State(Scope.Thread)
  public static class TenCancels {
    final CancellableContext[] wcf = new CancellableContext[10];
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void withTimeout(PendingTimeouts p, TenCancels t) {
    CancellableContext[] wcf = t.wcf;
    Context root = Context.background();
    for (int i = 0; i < wcf.length; i++) {
      wcf[i] = root.withTimeout(HOUR);
    }
    for (CancellableContext f : wcf) {
      f.cancel();
    }
  }

  /**
   * {@code BenchmarkCancelTree}: a chain of {@code depth} withCancel contexts under {@code root}.
   */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"1", "10", "100", "1000"})
    public int depth;

    @Param({"background", "openCanceler", "closedCanceler"})
    public String root;
  }

  static Context buildContextTree(Context root, int depth) {
    for (int d = 0; d < depth; d++) {
      root = root.withCancel();
    }
    return root;
  }

  @Benchmark
  public Context cancelTree(Tree t) {
    return switch (t.root) {
      case "background" -> buildContextTree(Context.background(), t.depth);
      case "openCanceler" -> openCanceler(t.depth);
      case "closedCanceler" -> closedCanceler(t.depth);
      default -> throw new IllegalArgumentException("root: " + t.root);
    };
  }

  private static Context openCanceler(int depth) {
    CancellableContext ctx = Context.background().withCancel();
    Context leaf = buildContextTree(ctx, depth);
    ctx.cancel();
    return leaf;
  }

  private static Context closedCanceler(int depth) {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    return buildContextTree(ctx, depth);
  }

  /** {@code BenchmarkCheckCanceled}: a context cancelled before the loop. */
  @State(Scope.Benchmark)
  public static class Canceled {
    CancellableContext ctx;

    @Setup
    public void setUp() {
      ctx = Context.background().withCancel();
      ctx.cancel();
    }
  }

  @Benchmark
  public ContextException checkCanceledErr(Canceled c) {
    return c.ctx.err();
  }

  @Benchmark
  public boolean checkCanceledDone(Canceled c) {
    return c.ctx.isDone();
  }

  /** {@code BenchmarkContextCancelDone}: a live cancellable context polled by every thread. */
  @State(Scope.Benchmark)
  public static class Live {
    CancellableContext ctx;

    @Setup
    public void setUp() {
      ctx = Context.background().withCancel();
    }

    @TearDown
    public void tearDown() {
      ctx.cancel();
    }
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean contextCancelDone(Live l) {
    return l.ctx.isDone();
  }

  /** {@code BenchmarkDeepValue*}: {@code depth} value nodes, each with its own key. */
  @State(Scope.Benchmark)
  public static class DeepValue {
    @Param({"10", "20", "30", "50", "100"})
    public int depth;

    Context ctx;

    @Setup
    public void setUp() {
      Context c = Context.background();
      for (int i = 0; i < depth; i++) {
        c = c.withValue(Key.<Integer>named(Integer.toString(i)), i);
      }
      ctx = c;
    }
  }

  @Benchmark
  public Integer deepValueSameThread(DeepValue v) {
    return v.ctx.value(MISSING);
  }

  /** Lookups per {@code deepValueNewThread} invocation. */
  static final int NEW_THREAD_BATCH = 1000;

  /** The long-lived virtual thread that plays the goroutine running Go's benchmark loop. */
  @State(Scope.Thread)
  public static class Loop {
    VirtualLoop loop;

    @Setup
    public void setUp() {
      loop = new VirtualLoop();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
      loop.close();
    }
  }

  /**
   * {@code BenchmarkDeepValueNewGoRoutine}: Go's loop runs on a goroutine and, per lookup, starts a
   * goroutine and waits for it ({@code WaitGroup}). Here the loop runs on a long-lived virtual
   * thread ({@link VirtualLoop}) that, per lookup, starts a virtual thread and joins it; JMH hands
   * it {@value #NEW_THREAD_BATCH} lookups per invocation, so the platform-to-virtual handoff (one
   * per batch, which Go does not have) adds a thousandth of its cost to each lookup. Starting one
   * virtual thread from a platform thread and joining it there would measure that handoff instead.
   */
  @Benchmark
  @OperationsPerInvocation(NEW_THREAD_BATCH)
  public Object deepValueNewThread(DeepValue v, Loop l) throws InterruptedException {
    Context ctx = v.ctx;
    return l.loop.run(
        () -> {
          Object[] out = new Object[1];
          for (int i = 0; i < NEW_THREAD_BATCH; i++) {
            Thread t = Thread.ofVirtual().start(() -> out[0] = ctx.value(MISSING));
            t.join();
          }
          return out[0];
        });
  }
}
