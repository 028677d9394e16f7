package dev.ctx4j.bench;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What JMH does not measure: retained bytes per context (heap after full GCs, with {@value #N}
 * contexts held, minus before), bytes allocated per create + cancel and per cancelled descendant
 * (the thread's allocation counter), and the CPU the timer thread burns while 10,000 deadlines an
 * hour away wait. Prints one line per figure: {@code footprint <name> <ctx4j|grpc> <value> <unit>}.
 *
 * <p>Run: {@code java -cp ctx4j-bench/target/benchmarks.jar dev.ctx4j.bench.Footprint
 * [idleSeconds]}
 */
public final class Footprint {
  static final int N = 200_000;
  static final Key<String> KEY = Key.named("key");
  static final io.grpc.Context.Key<String> GRPC_KEY = io.grpc.Context.key("key");
  static final Duration HOUR = Duration.ofHours(1);

  private Footprint() {}

  public static void main(String[] args) throws InterruptedException {
    double idleSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    CancellableContext parent = Context.background().withCancel();
    io.grpc.Context.CancellableContext grpcParent = io.grpc.Context.ROOT.withCancellation();
    ScheduledExecutorService scheduler = GrpcTimers.newScheduler();

    Object[] held = new Object[N];
    print("retainedWithCancel", "ctx4j", retained(held, i -> parent.withCancel()), "B/ctx");
    cancelAll(held);
    print(
        "retainedWithCancel", "grpc", retained(held, i -> grpcParent.withCancellation()), "B/ctx");
    cancelAll(held);
    print(
        "retainedWithTimeout",
        "ctx4j",
        retained(held, i -> Context.background().withTimeout(HOUR)),
        "B/ctx");
    cancelAll(held);
    print(
        "retainedWithTimeout",
        "grpc",
        retained(held, i -> io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler)),
        "B/ctx");
    cancelAll(held);
    print(
        "retainedWithValue", "ctx4j", retained(held, i -> parent.withValue(KEY, "value")), "B/ctx");
    print(
        "retainedWithValue",
        "grpc",
        retained(held, i -> grpcParent.withValue(GRPC_KEY, "value")),
        "B/ctx");
    java.util.Arrays.fill(held, null);

    print("allocChildCancel", "ctx4j", allocated(() -> parent.withCancel().cancel()), "B/op");
    print(
        "allocChildCancel",
        "grpc",
        allocated(() -> grpcParent.withCancellation().cancel(null)),
        "B/op");
    print(
        "allocTimeoutCancel",
        "ctx4j",
        allocated(() -> Context.background().withTimeout(HOUR).cancel()),
        "B/op");
    print(
        "allocTimeoutCancel",
        "grpc",
        allocated(
            () ->
                io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler).cancel(null)),
        "B/op");
    print("allocCancelPerDescendant", "ctx4j", allocatedPerDescendant(10_000), "B/child");

    print("idleTimerCpu", "ctx4j", idleCtx4j(idleSeconds), "us/s");
    print("idleTimerCpu", "grpc", idleGrpc(scheduler, idleSeconds), "us/s");
    scheduler.shutdownNow();
    parent.cancel();
    grpcParent.cancel(null);
  }

  static void print(String name, String impl, double value, String unit) {
    System.out.println(
        String.format(Locale.ROOT, "footprint %s %s %.1f %s", name, impl, value, unit));
  }

  static double retained(Object[] held, IntFunction<Object> make) {
    java.util.Arrays.fill(held, null);
    long before = usedAfterGc();
    for (int i = 0; i < held.length; i++) {
      held[i] = make.apply(i);
    }
    long after = usedAfterGc(); // the caller goes on using held: it is live here
    return (after - before) / (double) held.length;
  }

  static void cancelAll(Object[] held) {
    for (Object o : held) {
      if (o instanceof CancellableContext c) {
        c.cancel();
      } else if (o instanceof io.grpc.Context.CancellableContext g) {
        g.cancel(null);
      }
    }
  }

  @SuppressWarnings("SystemGc") // measuring retained bytes needs a settled heap
  static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static com.sun.management.ThreadMXBean threads() {
    return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  }

  /** Bytes this thread allocates per call of {@code op}, after a warm-up. */
  static double allocated(Runnable op) {
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      op.run();
    }
    long before = threads().getCurrentThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    return (threads().getCurrentThreadAllocatedBytes() - before) / (double) n;
  }

  /**
   * Bytes the cancelling thread allocates per descendant when a parent of {@code n} is cancelled.
   */
  static double allocatedPerDescendant(int n) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 20; round++) {
      CancellableContext p = Context.background().withCancel();
      CancellableContext[] kids = new CancellableContext[n];
      for (int i = 0; i < n; i++) {
        kids[i] = p.withCancel();
      }
      long before = threads().getCurrentThreadAllocatedBytes();
      p.cancel();
      best = Math.min(best, (threads().getCurrentThreadAllocatedBytes() - before) / (double) n);
      for (CancellableContext k : kids) {
        if (!k.isDone()) {
          throw new IllegalStateException("a child was left live");
        }
      }
    }
    return best;
  }

  static double idleCtx4j(double seconds) throws InterruptedException {
    CancellableContext[] alive = new CancellableContext[10_000];
    for (int i = 0; i < alive.length; i++) {
      alive[i] = Context.background().withTimeout(HOUR);
    }
    double cpu = threadCpuWhileIdle("ctx4j-timer", seconds);
    for (CancellableContext c : alive) {
      c.cancel();
    }
    return cpu;
  }

  static double idleGrpc(ScheduledExecutorService scheduler, double seconds)
      throws InterruptedException {
    io.grpc.Context.CancellableContext[] alive = new io.grpc.Context.CancellableContext[10_000];
    for (int i = 0; i < alive.length; i++) {
      alive[i] = io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler);
    }
    double cpu = threadCpuWhileIdle(GrpcTimers.THREAD_NAME, seconds);
    for (io.grpc.Context.CancellableContext c : alive) {
      c.cancel(null);
    }
    return cpu;
  }

  /** CPU microseconds per second of wall time used by the named thread while this one sleeps. */
  static double threadCpuWhileIdle(String threadName, double seconds) throws InterruptedException {
    long id = -1;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(threadName)) {
        id = t.threadId();
      }
    }
    if (id < 0) {
      return Double.NaN;
    }
    long before = threads().getThreadCpuTime(id);
    long start = System.nanoTime();
    Thread.sleep(Duration.ofMillis((long) (seconds * 1000)));
    long wall = System.nanoTime() - start;
    long cpu = threads().getThreadCpuTime(id) - before;
    return cpu / 1e3 / (wall / 1e9);
  }
}
