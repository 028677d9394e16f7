package dev.ctx4j.bench;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
 * How a cancel travels in ctx4j: checking a live context, a child's create + cancel, timers,
 * fan-out to many children, waking parked virtual threads, and a parent that has seen a million
 * listener-carrying children come and go. The same shapes for grpc-java sit in {@link
 * GrpcPropagationBenchmark}, for Go in {@code ctx4j-bench/go}; the floors in {@link
 * FloorBenchmark}.
 *
 * <p>{@code wake} and {@code fanoutCancel} are single-shot: each iteration builds the tree (or
 * parks the threads) untimed, then times one cancel. The report divides {@code fanoutCancel} by
 * {@code children}.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar PropagationBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PropagationBenchmark {
  static final Duration HOUR = Duration.ofHours(1);
  static final Executor DIRECT = Runnable::run;
  static final Runnable NOOP = () -> {};
  static final int CHURN = 10_000;

  /** A live cancellable parent shared by every thread. */
  @State(Scope.Benchmark)
  public static class Parent {
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

  /** Go 1.19's {@code Err()} on a live context takes a mutex; here it is one volatile read. */
  @Benchmark
  public ContextException errLive(Parent p) {
    return p.ctx.err();
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public ContextException errLiveParallel(Parent p) {
    return p.ctx.err();
  }

  /** A child of a cancellable parent, created and cancelled: it links to the parent and unlinks. */
  @Benchmark
  public CancellableContext childCancel(Parent p) {
    CancellableContext c = p.ctx.withCancel();
    c.cancel();
    return c;
  }

  /** {@link #childCancel} from 2 threads on the same parent. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CancellableContext childCancelParallel(Parent p) {
    CancellableContext c = p.ctx.withCancel();
    c.cancel();
    return c;
  }

  /**
   * A value node on a cancellable parent: Go's {@code WithValue}. One small allocation, so the heap
   * is pre-touched: on a default heap the young generation is gigabytes large, never collected in a
   * run, and every new page costs a kernel page fault (most of the 70 ns once measured), which Go's
   * small, recycled heap never pays (ADR 0022).
   */
  @Benchmark
  @Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
  public Context withValue(Parent p) {
    return p.ctx.withValue(GoParityBenchmark.KEY, "value");
  }

  /** {@code pending} timed contexts already waiting (1 h) when the measured one is made. */
  @State(Scope.Benchmark)
  public static class PendingTimers {
    @Param({"0", "100000"})
    public int pending;

    List<CancellableContext> alive;

    @Setup
    public void setUp() {
      alive = new ArrayList<>(pending);
      for (int i = 0; i < pending; i++) {
        alive.add(Context.background().withTimeout(HOUR));
      }
    }

    @TearDown
    public void tearDown() {
      alive.forEach(CancellableContext::cancel);
    }
  }

  /** {@code withTimeout(1h)} + cancel: arms a timer and releases it. */
  @Benchmark
  public CancellableContext timeoutCancel(PendingTimers t) {
    CancellableContext c = Context.background().withTimeout(HOUR);
    c.cancel();
    return c;
  }

  /** The article's scenario: 10,000 contexts alive at once under one parent. */
  @State(Scope.Benchmark)
  public static class Churn {
    @Param({"withCancel", "withTimeout"})
    public String kind;

    final CancellableContext[] alive = new CancellableContext[CHURN];
  }

  /** Per context: create 10,000 (all alive together), then cancel them. */
  @Benchmark
  @OperationsPerInvocation(CHURN)
  public void timedChurn(Parent p, Churn c) {
    CancellableContext[] alive = c.alive;
    boolean timed = c.kind.equals("withTimeout");
    for (int i = 0; i < alive.length; i++) {
      alive[i] = timed ? p.ctx.withTimeout(HOUR) : p.ctx.withCancel();
    }
    for (CancellableContext a : alive) {
      a.cancel();
    }
  }

  /** A parent with {@code children} live withCancel children, rebuilt before each measurement. */
  @State(Scope.Benchmark)
  public static class Fanout {
    @Param({"10", "1000", "10000", "100000"})
    public int children;

    CancellableContext parent;
    CancellableContext[] kids;

    /** Single-shot runs are few: compile the cancel walk first, as Go's is compiled ahead. */
    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 20_000; round++) {
        CancellableContext p = Context.background().withCancel();
        for (int i = 0; i < 20; i++) {
          p.withCancel();
        }
        p.cancel();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      parent = Context.background().withCancel();
      kids = new CancellableContext[children];
      for (int i = 0; i < children; i++) {
        kids[i] = parent.withCancel();
      }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      for (CancellableContext k : kids) {
        if (!k.isDone()) {
          throw new IllegalStateException("a child was left live");
        }
      }
    }
  }

  /** One cancel reaching every child (the report divides by {@code children}). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public CancellableContext fanoutCancel(Fanout f) {
    f.parent.cancel();
    return f.parent;
  }

  /** {@code waiters} virtual threads parked in {@code await()} on one context. */
  @State(Scope.Benchmark)
  public static class Waiters {
    @Param({"1", "1000", "10000", "100000"})
    public int waiters;

    CancellableContext ctx;
    Parked parked;

    /** Single-shot runs are few: compile the wake path first, as Go's is compiled ahead. */
    @Setup(Level.Trial)
    public void warmUp() throws InterruptedException {
      for (int round = 0; round < 300; round++) {
        CancellableContext c = Context.background().withCancel();
        Parked p = new Parked(20, c::await);
        p.arm();
        c.cancel();
        p.awaitAllResumed();
        p.join();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      CancellableContext c = Context.background().withCancel();
      ctx = c;
      parked = new Parked(waiters, c::await);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws InterruptedException {
      parked.join();
    }
  }

  /** One cancel, until every parked thread has resumed. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public void wake(Waiters w) {
    w.parked.arm();
    w.ctx.cancel();
    w.parked.awaitAllResumed();
  }

  /** A parent that has already seen {@code existing} children add a callback and be cancelled. */
  @State(Scope.Benchmark)
  public static class ListenerHistory {
    @Param({"0", "10000", "100000", "1000000"})
    public int existing;

    CancellableContext parent;

    @Setup
    public void setUp() {
      parent = Context.background().withCancel();
      for (int i = 0; i < existing; i++) {
        CancellableContext c = parent.withCancel();
        c.afterDone(NOOP, DIRECT);
        c.cancel();
      }
    }

    @TearDown
    public void tearDown() {
      parent.cancel();
    }
  }

  /** A child that registers a callback and is cancelled: must not get slower as history grows. */
  @Benchmark
  public Registration listenerChildCancel(ListenerHistory h) {
    CancellableContext c = h.parent.withCancel();
    Registration r = c.afterDone(NOOP, DIRECT);
    c.cancel();
    return r;
  }
}
