package dev.ctx4j.bench;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What tracing costs: the creation shapes of {@link PropagationBenchmark} with tracing off (the
 * default: nothing installed, {@code Tracing.on} never set in the JVM) and on ({@code
 * Tracing.on()}, which loads ctx4j-observe's sink through {@link java.util.ServiceLoader} exactly
 * as {@code -Dctx4j.trace=on} does, with its default site sampling and leak-detection level).
 *
 * <p>Tracing is per JVM and {@code Tracing.on} is read on the hot path, so each {@code tracing}
 * value must run in its own fork (JMH's default, {@code -f 1} or more): a fork measuring {@code
 * off} never turns tracing on. With {@code -f 0} the teardown turns it off again, but the JIT
 * profile of an earlier {@code on} trial stays.
 *
 * <p>{@code childCreate} and {@code timeoutCreate} time creation alone: each invocation derives
 * {@value #BATCH} children of a fresh live parent, which is cancelled untimed afterwards; {@code
 * topCreate} derives {@value #BATCH} children of {@code background()}, each cancelled untimed.
 * Those teardown cancels run with tracing paused ({@link #untraced}): a traced cancel records a
 * chain, a cost that belongs to cancel, not to creation. {@code childCancel} and {@code
 * timeoutCancel} time create + cancel, as in {@link PropagationBenchmark}; with tracing on their
 * cancel records the cancelling code site (a stack walk) by design.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar TracingBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingBenchmark {
  static final int BATCH = 1_000;
  static final Duration HOUR = Duration.ofHours(1);

  /** The tracing switch for this fork and a live cancellable parent shared by the shapes. */
  @State(Scope.Benchmark)
  public static class Traced {
    @Param({"off", "on"})
    public String tracing;

    CancellableContext parent;

    @Setup(Level.Trial)
    public void setUp() {
      if (tracing.equals("on")) {
        Tracing.on();
      } else if (!tracing.equals("off")) {
        throw new IllegalArgumentException("tracing must be off or on: " + tracing);
      }
      if (Tracing.isOn() != tracing.equals("on")) {
        throw new IllegalStateException(
            "tracing is " + Tracing.isOn() + " in a " + tracing + " run");
      }
      parent = Context.background().withCancel();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      parent.cancel();
      Tracing.off();
    }
  }

  /** A fresh live child of the shared parent per invocation, and room for a batch of children. */
  @State(Scope.Thread)
  public static class Batch {
    final CancellableContext[] made = new CancellableContext[BATCH];
    CancellableContext parent;

    @Setup(Level.Invocation)
    public void setUp(Traced t) {
      parent = t.parent.withCancel();
    }

    @TearDown(Level.Invocation)
    public void tearDown() {
      untraced(parent::cancel);
      java.util.Arrays.fill(made, null);
    }
  }

  /**
   * Runs an untimed teardown's cancels with tracing paused, for the shapes that time creation
   * alone: a traced cancel records a chain (a stack walk and a hop per context, about 2 KB for one
   * context), and the collections that garbage causes would land in the timed creation loop. What a
   * traced cancel costs is measured by {@code childCancel} and {@code timeoutCancel}.
   */
  static void untraced(Runnable cancels) {
    boolean on = Tracing.isOn();
    if (on) {
      Tracing.off();
    }
    try {
      cancels.run();
    } finally {
      if (on) {
        Tracing.on();
      }
    }
  }

  /** withCancel of a live cancellable parent, created and cancelled. */
  @Benchmark
  public CancellableContext childCancel(Traced t) {
    CancellableContext c = t.parent.withCancel();
    c.cancel();
    return c;
  }

  /** withCancel of a live cancellable parent: creation alone (linked, never cancelled in time). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public CancellableContext[] childCreate(Batch b) {
    CancellableContext p = b.parent;
    CancellableContext[] made = b.made;
    for (int i = 0; i < made.length; i++) {
      made[i] = p.withCancel();
    }
    return made;
  }

  /** Room for a batch of tops, each cancelled after the invocation. */
  @State(Scope.Thread)
  public static class Tops {
    final CancellableContext[] made = new CancellableContext[BATCH];

    @TearDown(Level.Invocation)
    public void tearDown() {
      untraced(
          () -> {
            for (int i = 0; i < made.length; i++) {
              made[i].cancel();
              made[i] = null;
            }
          });
    }
  }

  /**
   * withCancel of {@code background()}: creation alone. A parent that can never be done registers
   * no child, so with tracing on each such context (a top of a traced subtree) is recorded on its
   * own, where a child of a cancellable parent is reached through the parent (ADR 0034).
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public CancellableContext[] topCreate(Traced t, Tops b) {
    Context root = Context.background();
    CancellableContext[] made = b.made;
    for (int i = 0; i < made.length; i++) {
      made[i] = root.withCancel();
    }
    return made;
  }

  /** withValue on a live cancellable parent (nothing to cancel). */
  @Benchmark
  public Context withValue(Traced t) {
    return t.parent.withValue(GoParityBenchmark.KEY, "value");
  }

  /**
   * withTimeout(1h) of background, created and cancelled (arms, disarms): the shape of {@link
   * PropagationBenchmark#timeoutCancel} with no timers pending.
   */
  @Benchmark
  public CancellableContext timeoutCancel(Traced t) {
    CancellableContext c = Context.background().withTimeout(HOUR);
    c.cancel();
    return c;
  }

  /** withTimeout(1h) of a live cancellable parent: creation alone (armed, cancelled untimed). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public CancellableContext[] timeoutCreate(Batch b) {
    CancellableContext p = b.parent;
    CancellableContext[] made = b.made;
    for (int i = 0; i < made.length; i++) {
      made[i] = p.withTimeout(HOUR);
    }
    return made;
  }
}
