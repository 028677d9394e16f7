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
 * A {@link TaskGroup} of {@code tasks} subtasks parked in {@code ctx.await()} on virtual threads,
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

    /** Single-shot runs are few: compile the failure path first. */
    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 300; round++) {
        setUp();
        fail(this);
        tearDown();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      gate = new GroupGate(tasks);
      group = TaskGroup.open(Context.background());
      for (int i = 0; i < tasks; i++) {
        Future<?> unused = // the group reports failures through join()
            group.fork(
                ctx -> {
                  gate.enter();
                  ctx.await();
                  return null;
                });
      }
      Future<?> unused = group.fork(ctx -> gate.failWhenOpened());
      gate.awaitAllParked();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      group.close();
      gate.checkAllEnded();
    }
  }

  static Throwable fail(Group g) {
    g.gate.open();
    try {
      g.group.join();
    } catch (ExecutionException e) {
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
