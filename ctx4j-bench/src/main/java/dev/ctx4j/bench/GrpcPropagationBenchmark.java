package dev.ctx4j.bench;

import io.grpc.Context;
import io.grpc.Context.CancellableContext;
import io.grpc.Context.CancellationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The peer: {@link PropagationBenchmark}'s shapes on grpc-java's {@code io.grpc.Context}.
 *
 * <p>grpc links a child to its parent only once a listener is added to the child (a plain child
 * learns of the parent's cancel lazily, when asked). Where ctx4j's shape needs the child to be told
 * (fan-out, wake), the grpc child carries a listener, the only way grpc tells anyone: a no-op one
 * on a direct executor for fan-out, one that unparks the waiting thread for wake.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar GrpcPropagationBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrpcPropagationBenchmark {
  static final Executor DIRECT = Runnable::run;
  static final CancellationListener NOOP = c -> {};
  static final int CHURN = PropagationBenchmark.CHURN;

  @State(Scope.Benchmark)
  public static class Parent {
    CancellableContext ctx;
    ScheduledExecutorService scheduler;

    @Setup
    public void setUp() {
      ctx = Context.ROOT.withCancellation();
      scheduler = GrpcTimers.newScheduler();
    }

    @TearDown
    public void tearDown() {
      ctx.cancel(null);
      scheduler.shutdownNow();
    }
  }

  @Benchmark
  public Throwable errLive(Parent p) {
    return p.ctx.cancellationCause();
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Throwable errLiveParallel(Parent p) {
    return p.ctx.cancellationCause();
  }

  /** A plain child: grpc does not link it to the parent at all. */
  @Benchmark
  public CancellableContext childCancel(Parent p) {
    CancellableContext c = p.ctx.withCancellation();
    c.cancel(null);
    return c;
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CancellableContext childCancelParallel(Parent p) {
    CancellableContext c = p.ctx.withCancellation();
    c.cancel(null);
    return c;
  }

  @Benchmark
  @Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"}) // see PropagationBenchmark
  public Context withValue(Parent p) {
    return p.ctx.withValue(GrpcGoParityBenchmark.KEY, "value");
  }

  @State(Scope.Benchmark)
  public static class PendingTimers {
    @Param({"0", "100000"})
    public int pending;

    ScheduledExecutorService scheduler;
    List<CancellableContext> alive;

    @Setup
    public void setUp() {
      scheduler = GrpcTimers.newScheduler();
      alive = new ArrayList<>(pending);
      for (int i = 0; i < pending; i++) {
        alive.add(Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler));
      }
    }

    @TearDown
    public void tearDown() {
      alive.forEach(c -> c.cancel(null));
      scheduler.shutdownNow();
    }
  }

  @Benchmark
  public CancellableContext timeoutCancel(PendingTimers t) {
    CancellableContext c = Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, t.scheduler);
    c.cancel(null);
    return c;
  }

  @State(Scope.Benchmark)
  public static class Churn {
    @Param({"withCancel", "withTimeout"})
    public String kind;

    final CancellableContext[] alive = new CancellableContext[CHURN];
  }

  @Benchmark
  @OperationsPerInvocation(CHURN)
  public void timedChurn(Parent p, Churn c) {
    CancellableContext[] alive = c.alive;
    boolean timed = c.kind.equals("withTimeout");
    for (int i = 0; i < alive.length; i++) {
      alive[i] =
          timed
              ? p.ctx.withDeadlineAfter(1, TimeUnit.HOURS, p.scheduler)
              : p.ctx.withCancellation();
    }
    for (CancellableContext a : alive) {
      a.cancel(null);
    }
  }

  /** Children that each carry a listener, so that the parent's cancel reaches them. */
  @State(Scope.Benchmark)
  public static class Fanout {
    @Param({"10", "1000", "10000", "100000"})
    public int children;

    CancellableContext parent;
    CancellableContext[] kids;

    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 20_000; round++) {
        CancellableContext p = Context.ROOT.withCancellation();
        for (int i = 0; i < 20; i++) {
          p.withCancellation().addListener(NOOP, DIRECT);
        }
        p.cancel(null);
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      parent = Context.ROOT.withCancellation();
      kids = new CancellableContext[children];
      for (int i = 0; i < children; i++) {
        CancellableContext k = parent.withCancellation();
        k.addListener(NOOP, DIRECT);
        kids[i] = k;
      }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      for (CancellableContext k : kids) {
        if (!k.isCancelled()) {
          throw new IllegalStateException("a child was left live");
        }
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public CancellableContext fanoutCancel(Fanout f) {
    f.parent.cancel(null);
    return f.parent;
  }

  /** Each thread adds a listener that unparks it, then parks until the context is cancelled. */
  @State(Scope.Benchmark)
  public static class Waiters {
    @Param({"1", "1000", "10000", "100000"})
    public int waiters;

    CancellableContext ctx;
    Parked parked;

    @Setup(Level.Trial)
    public void warmUp() throws InterruptedException {
      for (int round = 0; round < 300; round++) {
        CancellableContext c = Context.ROOT.withCancellation();
        Parked p = new Parked(20, () -> awaitCancelled(c));
        p.arm();
        c.cancel(null);
        p.awaitAllResumed();
        p.join();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      CancellableContext c = Context.ROOT.withCancellation();
      ctx = c;
      parked = new Parked(waiters, () -> awaitCancelled(c));
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws InterruptedException {
      parked.join();
    }
  }

  static void awaitCancelled(Context c) {
    Thread me = Thread.currentThread();
    c.addListener(cancelled -> LockSupport.unpark(me), DIRECT);
    while (!c.isCancelled()) {
      LockSupport.park(c);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public void wake(Waiters w) {
    w.parked.arm();
    w.ctx.cancel(null);
    w.parked.awaitAllResumed();
  }

  /**
   * A parent that has already seen {@code existing} children add a listener and be cancelled. In
   * grpc each such child's entry stays in the parent's listener list and every later cancel scans
   * it, so building this history is quadratic: 100,000 is as far as a run can afford.
   */
  @State(Scope.Benchmark)
  public static class ListenerHistory {
    @Param({"0", "10000", "100000"})
    public int existing;

    CancellableContext parent;

    @Setup
    public void setUp() {
      parent = Context.ROOT.withCancellation();
      for (int i = 0; i < existing; i++) {
        CancellableContext c = parent.withCancellation();
        c.addListener(NOOP, DIRECT);
        c.cancel(null);
      }
    }

    @TearDown
    public void tearDown() {
      parent.cancel(null);
    }
  }

  @Benchmark
  public CancellableContext listenerChildCancel(ListenerHistory h) {
    CancellableContext c = h.parent.withCancellation();
    c.addListener(NOOP, DIRECT);
    c.cancel(null);
    return c;
  }
}
