package dev.ctx4j.bench;

import io.grpc.Context;
import io.grpc.Context.CancellableContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
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
 * The peer: {@link GoParityBenchmark}'s shapes on grpc-java's {@code io.grpc.Context}, method for
 * method ({@code withCancellation} for withCancel, {@code withDeadlineAfter} on a shared scheduler
 * for withTimeout, {@code cancellationCause()} for err, {@code isCancelled()} for done, {@code
 * Key.get} for value).
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar GrpcGoParityBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrpcGoParityBenchmark {
  static final Context.Key<String> KEY = Context.key("key");
  static final Context.Key<Integer> MISSING = Context.key("-1");

  @State(Scope.Benchmark)
  public static class CommonParent {
    CancellableContext shared;

    @Setup
    public void setUp() {
      shared = Context.ROOT.withValue(KEY, "value").withCancellation();
    }

    @TearDown
    public void tearDown() {
      shared.cancel(null);
    }
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int commonParentCancel(CommonParent p, GoParityBenchmark.BusyWork w) {
    CancellableContext ctx = p.shared.withCancellation();
    if (!"value".equals(KEY.get(ctx))) {
      throw new AssertionError("should not be reached");
    }
    int x = GoParityBenchmark.busy(w.x);
    ctx.cancel(null);
    x = GoParityBenchmark.busy(x);
    w.x = x;
    return x;
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CancellableContext commonParentCancelNoWork(CommonParent p) {
    CancellableContext ctx = p.shared.withCancellation();
    if (!"value".equals(KEY.get(ctx))) {
      throw new AssertionError("should not be reached");
    }
    ctx.cancel(null);
    return ctx;
  }

  @State(Scope.Benchmark)
  public static class PendingTimeouts {
    @Param({"40", "4000", "400000"})
    public int concurrency;

    ScheduledExecutorService scheduler;
    List<CancellableContext> pending;

    @Setup
    public void setUp() {
      scheduler = GrpcTimers.newScheduler();
      pending = new ArrayList<>(concurrency);
      for (int i = 0; i < concurrency; i++) {
        pending.add(Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler));
      }
    }

    @TearDown
    public void tearDown() {
      pending.forEach(c -> c.cancel(null));
      scheduler.shutdownNow();
    }
  }

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
    for (int i = 0; i < wcf.length; i++) {
      wcf[i] = Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, p.scheduler);
    }
    for (CancellableContext f : wcf) {
      f.cancel(null);
    }
  }

  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"1", "10", "100", "1000"})
    public int depth;

    @Param({"background", "openCanceler", "closedCanceler"})
    public String root;

    /**
     * grpc logs a SEVERE line with a stack trace when a chain reaches 1,000 ancestors: keep the
     * console quiet (grpc still builds the exception, which is part of its cost).
     */
    @Setup
    public void setUp() {
      GrpcTimers.quietContextLogger();
    }
  }

  static Context buildContextTree(Context root, int depth) {
    for (int d = 0; d < depth; d++) {
      root = root.withCancellation();
    }
    return root;
  }

  @Benchmark
  public Context cancelTree(Tree t) {
    return switch (t.root) {
      case "background" -> buildContextTree(Context.ROOT, t.depth);
      case "openCanceler" -> openCanceler(t.depth);
      case "closedCanceler" -> closedCanceler(t.depth);
      default -> throw new IllegalArgumentException("root: " + t.root);
    };
  }

  private static Context openCanceler(int depth) {
    CancellableContext ctx = Context.ROOT.withCancellation();
    Context leaf = buildContextTree(ctx, depth);
    ctx.cancel(null);
    return leaf;
  }

  private static Context closedCanceler(int depth) {
    CancellableContext ctx = Context.ROOT.withCancellation();
    ctx.cancel(null);
    return buildContextTree(ctx, depth);
  }

  @State(Scope.Benchmark)
  public static class Canceled {
    CancellableContext ctx;

    @Setup
    public void setUp() {
      ctx = Context.ROOT.withCancellation();
      ctx.cancel(null);
    }
  }

  @Benchmark
  public Throwable checkCanceledErr(Canceled c) {
    return c.ctx.cancellationCause();
  }

  @Benchmark
  public boolean checkCanceledDone(Canceled c) {
    return c.ctx.isCancelled();
  }

  @State(Scope.Benchmark)
  public static class Live {
    CancellableContext ctx;

    @Setup
    public void setUp() {
      ctx = Context.ROOT.withCancellation();
    }

    @TearDown
    public void tearDown() {
      ctx.cancel(null);
    }
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean contextCancelDone(Live l) {
    return l.ctx.isCancelled();
  }

  @State(Scope.Benchmark)
  public static class DeepValue {
    @Param({"10", "20", "30", "50", "100"})
    public int depth;

    Context ctx;

    @Setup
    public void setUp() {
      Context c = Context.ROOT;
      for (int i = 0; i < depth; i++) {
        c = c.withValue(Context.<Integer>key(Integer.toString(i)), i);
      }
      ctx = c;
    }
  }

  @Benchmark
  public Integer deepValueSameThread(DeepValue v) {
    return MISSING.get(v.ctx);
  }

  /** {@link GoParityBenchmark#deepValueNewThread}'s shape: the loop on a virtual thread. */
  @Benchmark
  @OperationsPerInvocation(GoParityBenchmark.NEW_THREAD_BATCH)
  public Object deepValueNewThread(DeepValue v, GoParityBenchmark.Loop l)
      throws InterruptedException {
    Context ctx = v.ctx;
    return l.loop.run(
        () -> {
          Object[] out = new Object[1];
          for (int i = 0; i < GoParityBenchmark.NEW_THREAD_BATCH; i++) {
            Thread t = Thread.ofVirtual().start(() -> out[0] = MISSING.get(ctx));
            t.join();
          }
          return out[0];
        });
  }
}
