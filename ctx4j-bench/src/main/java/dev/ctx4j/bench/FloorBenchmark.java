package dev.ctx4j.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * The floors no context library can beat on this JVM: {@code floorChild} allocates a node,
 * CAS-pushes it on a parent's list and CAS-removes it; {@code floorUnpark} wakes N parked virtual
 * threads with bare {@code LockSupport.unpark}. ctx4j's figures are read as multiples of these.
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar FloorBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FloorBenchmark {

  /** The least a linked child can be: two references and a flag. */
  static final class FloorNode {
    final FloorParent parent;
    FloorNode next;
    volatile boolean removed;

    FloorNode(FloorParent parent) {
      this.parent = parent;
    }
  }

  /** A Treiber-stack list head; removal CASes the head, else marks the node for lazy unlinking. */
  @State(Scope.Benchmark)
  public static class FloorParent {
    private static final VarHandle HEAD;

    static {
      try {
        HEAD = MethodHandles.lookup().findVarHandle(FloorParent.class, "head", FloorNode.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    volatile FloorNode head;

    void push(FloorNode n) {
      FloorNode h;
      do {
        h = head;
        n.next = h;
      } while (!HEAD.compareAndSet(this, h, n));
    }

    void remove(FloorNode n) {
      if (!HEAD.compareAndSet(this, n, n.next)) {
        n.removed = true;
        FloorNode h = head;
        while (h != null && h.removed && HEAD.compareAndSet(this, h, h.next)) {
          h = head; // pop marked nodes that reached the top
        }
      }
    }
  }

  static FloorNode child(FloorParent p) {
    FloorNode n = new FloorNode(p);
    p.push(n);
    p.remove(n);
    return n;
  }

  @Benchmark
  public Object floorChild(FloorParent p) {
    return child(p);
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object floorChildParallel(FloorParent p) {
    return child(p);
  }

  /** {@code waiters} virtual threads parked on a flag. */
  @State(Scope.Benchmark)
  public static class Waiters {
    @Param({"1", "1000", "10000", "100000"})
    public int waiters;

    volatile boolean go;
    Parked parked;

    @Setup(Level.Trial)
    public void warmUp() throws InterruptedException {
      for (int round = 0; round < 300; round++) {
        go = false;
        Parked p = new Parked(20, this::block);
        release(p);
        p.join();
      }
    }

    void release(Parked p) {
      p.arm();
      go = true;
      for (Thread t : p.threads()) {
        LockSupport.unpark(t);
      }
      p.awaitAllResumed();
    }

    @Setup(Level.Iteration)
    public void setUp() {
      go = false;
      parked = new Parked(waiters, this::block);
    }

    private void block() {
      while (!go) {
        LockSupport.park(this);
      }
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws InterruptedException {
      parked.join();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public void floorUnpark(Waiters w) {
    w.release(w.parked);
  }
}
