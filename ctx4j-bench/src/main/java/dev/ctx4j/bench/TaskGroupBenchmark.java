package dev.ctx4j.bench;

import dev.ctx4j.Context;
import dev.ctx4j.TaskGroup;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@link TaskGroup} of {@code tasks} subtasks parked in {@code ctx.await()} on virtual threads
 * (each returns, without a failure of its own, once its context is done or its thread interrupted),
 * shut down by one failing subtask: timed from the failure's release until {@link TaskGroup#join()}
 * has thrown it, every subtask ended. The JDK 25 {@code StructuredTaskScope} peer of the same shape
 * is {@code StructuredScopeBenchmark} (its own fork, {@code --enable-preview}).
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar TaskGroupBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TaskGroupBenchmark {
  /** The group, opened and filled before each measurement by the measuring thread. */
  @State(Scope.Thread)
  public static class Group {
    @Param({"10", "1000", "10000"})
    public int tasks;

    GroupGate gate;
    TaskGroup group;
    int exitedWhenDone;

    /** Single-shot runs are few: compile the failure path first. */
    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 300; round++) {
        build(20);
        fail(this);
        tearDown();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      build(tasks);
    }

    /** Opens the group with {@code n} parked subtasks and the failing one. */
    void build(int n) {
      gate = new GroupGate(n);
      group = TaskGroup.open(Context.background());
      for (int i = 0; i < n; i++) {
        Future<?> unused = // the group reports failures through join()
            group.fork(
                ctx -> {
                  gate.enter();
                  try {
                    ctx.await();
                  } catch (InterruptedException e) {
                    // the group's interrupt came first: stopping all the same, as the JDK
                    // peer's subtasks do, without a failure of their own
                    Thread.currentThread().interrupt();
                  } finally {
                    gate.exit();
                  }
                  return null;
                });
      }
      Future<?> unused = group.fork(ctx -> gate.failWhenOpened());
      gate.awaitAllParked();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      group.close();
      try {
        gate.checkAllEnded(exitedWhenDone);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static Throwable fail(Group g) {
    g.gate.open();
    try {
      g.group.join();
    } catch (ExecutionException e) {
      g.exitedWhenDone = g.gate.exited();
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("the group did not report its failure");
  }

  /** One subtask fails: the group cancels the others and {@code join()} reports the failure. */
  @Benchmark
  public Throwable groupFailure(Group g) {
    return fail(g);
  }
}
