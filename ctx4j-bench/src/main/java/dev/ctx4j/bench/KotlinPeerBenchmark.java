package dev.ctx4j.bench;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import kotlin.Unit;
import kotlin.coroutines.AbstractCoroutineContextElement;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.CompletableJob;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.CoroutineScopeKt;
import kotlinx.coroutines.CoroutineStart;
import kotlinx.coroutines.DelayKt;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.JobKt;
import kotlinx.coroutines.TimeoutKt;
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
 * The Kotlin peer: ctx4j's shapes on kotlinx.coroutines ({@code Job}, {@code withTimeout}, {@code
 * CoroutineContext}), each method named as the ctx4j shape it mirrors so that {@code ctx4j bench}
 * shows it in the same row (impl {@code kotlin}). Called from Java through the library's compiled
 * API: a suspend function is the same method with one more parameter, the {@link Continuation} it
 * resumes when it suspended (ADR 0140).
 *
 * <ul>
 *   <li>{@code childCancel}, {@code childCancelParallel}: {@code Job(parent)} + {@code cancel()}, a
 *       child linked into a live parent's list and unlinked, as ctx4j's {@code
 *       PropagationBenchmark.childCancel};
 *   <li>{@code fanoutCancel}: one parent {@code Job} with {@code children} child jobs, one cancel;
 *   <li>{@code wake}: {@code waiters} coroutines on {@code Dispatchers.Default} suspended in {@code
 *       join()} on one {@code Job}, one cancel, until every one has resumed (ctx4j: virtual threads
 *       in {@code await()});
 *   <li>{@code timeoutCancel}: {@code withTimeout(1 h)} entered and left, with {@code pending}
 *       other timers waiting in the same delay queue (ctx4j: {@code withTimeout(1h)} + cancel);
 *   <li>{@code deepValueSameThread}: a missing key looked up in a {@code CoroutineContext} of
 *       {@code depth} elements, each with its own key (ctx4j: a miss through {@code depth} values).
 * </ul>
 *
 * <p>Run: {@code java -jar ctx4j-bench/target/benchmarks.jar KotlinPeerBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KotlinPeerBenchmark {
  static final long HOUR_MILLIS = TimeUnit.HOURS.toMillis(1);

  /** What a suspend call returns when it suspended. */
  static final Object SUSPENDED = IntrinsicsKt.getCOROUTINE_SUSPENDED();

  /** Whether a suspend call suspended: the marker is one object, compared by identity. */
  @SuppressWarnings("ReferenceEquality")
  static boolean suspended(Object result) {
    return result == SUSPENDED;
  }

  /** A live parent job shared by every thread. */
  @State(Scope.Benchmark)
  public static class Parent {
    CompletableJob job;

    @Setup
    public void setUp() {
      job = JobKt.Job(null);
    }

    @TearDown
    public void tearDown() {
      job.cancel((CancellationException) null);
    }
  }

  /** A child job of a live parent, created and cancelled: linked into the parent and unlinked. */
  @Benchmark
  public Job childCancel(Parent p) {
    CompletableJob c = JobKt.Job(p.job);
    c.cancel((CancellationException) null);
    return c;
  }

  /** {@link #childCancel} from 2 threads on the same parent. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Job childCancelParallel(Parent p) {
    CompletableJob c = JobKt.Job(p.job);
    c.cancel((CancellationException) null);
    return c;
  }

  /** A parent job with {@code children} live child jobs, rebuilt before each measurement. */
  @State(Scope.Benchmark)
  public static class Fanout {
    @Param({"10", "1000", "10000", "100000"})
    public int children;

    CompletableJob parent;
    Job[] kids;

    /** Single-shot runs are few: compile the cancel walk first, as for ctx4j and grpc. */
    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 20_000; round++) {
        CompletableJob p = JobKt.Job(null);
        for (int i = 0; i < 20; i++) {
          JobKt.Job(p);
        }
        p.cancel((CancellationException) null);
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      parent = JobKt.Job(null);
      kids = new Job[children];
      for (int i = 0; i < children; i++) {
        kids[i] = JobKt.Job(parent);
      }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      for (Job k : kids) {
        if (!k.isCancelled()) {
          throw new IllegalStateException("a child job was left live");
        }
      }
    }
  }

  /** One cancel reaching every child job (the report divides by {@code children}). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public Job fanoutCancel(Fanout f) {
    f.parent.cancel((CancellationException) null);
    return f.parent;
  }

  /**
   * {@code n} coroutines on {@code Dispatchers.Default}, each suspended in {@code target.join()},
   * and a way for the measuring thread to sleep until every one has resumed (as {@link Parked} for
   * threads).
   */
  static final class Joiners {
    final CompletableJob target = JobKt.Job(null);
    private final CoroutineScope scope = CoroutineScopeKt.CoroutineScope(Dispatchers.getDefault());
    private final AtomicInteger left;
    private volatile Thread measuring;

    /** Launches the coroutines; each has suspended in {@code join()} when this returns. */
    Joiners(int n) {
      left = new AtomicInteger(n);
      for (int i = 0; i < n; i++) {
        // UNDISPATCHED: runs on this thread up to its first suspension, so setup does not race.
        BuildersKt.launch(
            scope,
            EmptyCoroutineContext.INSTANCE,
            CoroutineStart.UNDISPATCHED,
            (s, completion) -> {
              Object r = target.join(new Resumed(completion));
              if (!suspended(r)) {
                throw new IllegalStateException("join() did not suspend on a live job");
              }
              return r;
            });
      }
    }

    /** The continuation join() resumes: counts the coroutine as resumed, then completes it. */
    private final class Resumed implements Continuation<Unit> {
      private final Continuation<? super Unit> completion;

      Resumed(Continuation<? super Unit> completion) {
        this.completion = completion;
      }

      @Override
      public CoroutineContext getContext() {
        return completion.getContext();
      }

      @Override
      public void resumeWith(Object result) {
        if (left.decrementAndGet() == 0) {
          Thread m = measuring;
          if (m != null) {
            LockSupport.unpark(m);
          }
        }
        completion.resumeWith(result);
      }
    }

    void arm() {
      measuring = Thread.currentThread();
    }

    void awaitAllResumed() {
      while (left.get() != 0) {
        LockSupport.park(this);
      }
    }

    /** After the measurement: every joiner resumed; the scope's job ends. */
    void close() {
      if (left.get() != 0) {
        throw new IllegalStateException(left.get() + " joiners never resumed");
      }
      CoroutineScopeKt.cancel(scope, null);
    }
  }

  /** {@code waiters} coroutines suspended in {@code join()} on one job. */
  @State(Scope.Benchmark)
  public static class Waiters {
    @Param({"1", "1000", "10000", "100000"})
    public int waiters;

    Joiners joiners;

    /** Single-shot runs are few: compile the wake path first, as for ctx4j and grpc. */
    @Setup(Level.Trial)
    public void warmUp() {
      for (int round = 0; round < 300; round++) {
        Joiners j = new Joiners(20);
        j.arm();
        j.target.cancel((CancellationException) null);
        j.awaitAllResumed();
        j.close();
      }
    }

    @Setup(Level.Iteration)
    public void setUp() {
      joiners = new Joiners(waiters);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      joiners.close();
    }
  }

  /** One cancel, until every suspended coroutine has resumed. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public void wake(Waiters w) {
    w.joiners.arm();
    w.joiners.target.cancel((CancellationException) null);
    w.joiners.awaitAllResumed();
  }

  /**
   * The continuation a non-suspending call is given: never resumed. Its context is {@code
   * Dispatchers.Default}, the context of server code, whose timeouts go to the shared delay queue.
   */
  static final Continuation<Object> NEVER_RESUMED =
      new Continuation<>() {
        @Override
        public CoroutineContext getContext() {
          return Dispatchers.getDefault();
        }

        @Override
        public void resumeWith(Object result) {
          throw new IllegalStateException("a non-suspending block was resumed: " + result);
        }
      };

  /**
   * {@code pending} coroutines already in {@code delay(1 h)} when the measured timeout is armed.
   */
  @State(Scope.Benchmark)
  public static class PendingTimers {
    @Param({"0", "100000"})
    public int pending;

    CoroutineScope scope;

    @Setup
    public void setUp() {
      scope = CoroutineScopeKt.CoroutineScope(Dispatchers.getDefault());
      for (int i = 0; i < pending; i++) {
        BuildersKt.launch(
            scope,
            EmptyCoroutineContext.INSTANCE,
            CoroutineStart.UNDISPATCHED,
            (s, completion) -> DelayKt.delay(HOUR_MILLIS, completion));
      }
    }

    @TearDown
    public void tearDown() {
      CoroutineScopeKt.cancel(scope, null);
    }
  }

  /**
   * {@code withTimeout(1 h) { }} entered and left: arms a timer in the delay queue and disarms it.
   */
  @Benchmark
  public Object timeoutCancel(PendingTimers t) {
    Object r = TimeoutKt.withTimeout(HOUR_MILLIS, (scope, c) -> scope, NEVER_RESUMED);
    if (suspended(r)) {
      throw new IllegalStateException("withTimeout suspended on a block that does not");
    }
    return r;
  }

  /** A context element with its own key. */
  static final class Value extends AbstractCoroutineContextElement {
    Value(CoroutineContext.Key<Value> key) {
      super(key);
    }
  }

  /** A key of its own (identity). */
  static final class ValueKey implements CoroutineContext.Key<Value> {}

  /** A key no context holds. */
  static final ValueKey MISSING = new ValueKey();

  /** A {@code CoroutineContext} of {@code depth} elements, each with its own key. */
  @State(Scope.Benchmark)
  public static class DeepValue {
    @Param({"10", "20", "30", "50", "100"})
    public int depth;

    CoroutineContext ctx;

    @Setup
    public void setUp() {
      CoroutineContext c = EmptyCoroutineContext.INSTANCE;
      for (int i = 0; i < depth; i++) {
        c = c.plus(new Value(new ValueKey()));
      }
      if (c.fold(0, (n, e) -> n + 1) != depth) {
        throw new IllegalStateException("the context does not hold " + depth + " elements");
      }
      ctx = c;
    }
  }

  /** A missing key looked up through {@code depth} elements. */
  @Benchmark
  public Value deepValueSameThread(DeepValue v) {
    return v.ctx.get(MISSING);
  }
}
