package dev.ctx4j.bench;

import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.FailedException;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JDK 25 peer of {@link TaskGroupBenchmark}: a {@code StructuredTaskScope} opened with {@code
 * Joiner.awaitAllSuccessfulOrThrow()}, {@code tasks} subtasks parked on virtual threads until
 * interrupted, one failing subtask; timed from the failure's release until {@code join()} has
 * thrown and {@code close()} has returned (every subtask ended). A preview API in JDK 25: this
 * source set is compiled with {@code --release 25 --enable-preview} and runs in its own fork with
 * {@code --enable-preview} (ADR 0140).
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar StructuredScopeBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = "--enable-preview")
public class StructuredScopeBenchmark {
  /** The scope, opened and filled before each measurement by its owner, the measuring thread. */
  @State(Scope.Thread)
  public static class Group {
    @Param({"10", "1000", "10000"})
    public int tasks;

    GroupGate gate;
    StructuredTaskScope<Object, Void> scope;
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
      scope = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow());
      for (int i = 0; i < n; i++) {
        scope.fork(
            () -> {
              gate.enter();
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  LockSupport.park(gate);
                }
              } finally {
                gate.exit();
              }
              return null;
            });
      }
      scope.fork(gate::failWhenOpened);
      gate.awaitAllParked();
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      scope.close();
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
      g.scope.join();
    } catch (FailedException e) {
      g.scope.close();
      g.exitedWhenDone = g.gate.exited();
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("the scope did not report its failure");
  }

  /** One subtask fails: the scope interrupts the others, join() throws, close() waits for all. */
  @Benchmark
  public Throwable groupFailure(Group g) {
    return fail(g);
  }
}
