package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process itself under abuse: {@link OutOfMemoryError} thrown by user callbacks, including the
 * ones run inline on the timer thread, and a burst of 1,000,000 timers armed then cancelled and
 * armed then fired. Propagation must go on past the failing callbacks, the timer thread must stay
 * alive and keep firing, and nothing may stay reachable. Each case writes a FAULTS.md row under
 * {@code ./ctx4j faults}. (The JVM's exit with live contexts is {@code ProcessExitFaultsTest} in
 * ctx4j-http, where the disconnect watcher is reachable too.)
 */
@ExtendWith(CoreInvariants.class)
class ProcessFaultsTest {
  private static final long HEAP_SLACK = 32L << 20;

  private final AtomicInteger oomReported = new AtomicInteger();
  private Thread.UncaughtExceptionHandler previous;

  @BeforeEach
  void countUncaughtOutOfMemory() {
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (e instanceof OutOfMemoryError && e.getMessage().startsWith("test:")) {
            synchronized (oomReported) {
              oomReported.incrementAndGet(); // expected: not printed
              oomReported.notifyAll(); // wakes awaitReported
            }
          } else if (previous != null) {
            previous.uncaughtException(t, e);
          } else {
            e.printStackTrace();
          }
        });
  }

  /** Waits, woken by each report, up to ten seconds for {@code n} OOMs to be reported. */
  private void awaitReported(int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (oomReported) {
      for (long left = end - System.nanoTime();
          oomReported.get() < n && left > 0;
          left = end - System.nanoTime()) {
        oomReported.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @AfterEach
  void restore() {
    Thread.setDefaultUncaughtExceptionHandler(previous);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void outOfMemoryInCallbacks_onTheTimerThreadAndVirtual_propagationGoesOn_laterTimersFire()
      throws Exception {
    int children = 200;
    CancellableContext parent = Context.background().withTimeout(Duration.ofMillis(50));
    List<CancellableContext> leaves = new ArrayList<>();
    LongAdder ran = new LongAdder();
    CountDownLatch virtualRan = new CountDownLatch(children / 2);
    for (int i = 0; i < children; i++) {
      CancellableContext child = parent.withCancel();
      CancellableContext grandchild = child.withTimeout(Duration.ofHours(1));
      leaves.add(grandchild);
      boolean throwing = i % 2 == 0;
      String name = "test: inline callback " + i;
      var unused1 =
          child.afterDone(
              () -> {
                if (throwing) {
                  throw new OutOfMemoryError(name);
                }
                ran.increment();
              },
              Runnable::run); // inline: on the thread that ends the context, the timer thread
      var unused2 =
          grandchild.afterDone(
              () -> {
                if (throwing) {
                  throw new OutOfMemoryError("test: virtual callback " + name);
                }
                virtualRan.countDown();
              });
    }
    assertTrue(parent.await(Duration.ofSeconds(10)), "the deadline never fired");
    for (CancellableContext leaf : leaves) {
      // await: the parent is done before its walk, on the timer thread, reaches the leaves
      assertTrue(
          leaf.await(Duration.ofSeconds(10)),
          "a grandchild was not reached past the failing callbacks");
      assertInstanceOf(DeadlineExceededException.class, leaf.err());
    }
    assertTrue(virtualRan.await(10, TimeUnit.SECONDS), "virtual callbacks after OOMs did not run");
    assertEquals(children / 2, ran.sum(), "inline callbacks after the OOMs did not all run");
    awaitReported(children); // the virtual threads report through the default handler
    assertEquals(children, oomReported.get(), "every OOM reaches the uncaught-exception handler");

    Thread timer = thread("ctx4j-timer");
    assertTrue(timer.isAlive(), "the timer thread died");
    long armed = System.nanoTime();
    CancellableContext later = Context.background().withTimeout(Duration.ofMillis(20));
    assertTrue(later.await(Duration.ofSeconds(10)), "a timer armed after the OOMs never fired");
    long late = (System.nanoTime() - armed) / 1_000_000;
    assertInstanceOf(DeadlineExceededException.class, later.err());
    FaultReport.row(
        "core: afterDone callbacks throw OutOfMemoryError, inline on the timer thread and on"
            + " virtual threads, as a deadline ends their tree",
        children + " OOMs in one cancel",
        "propagation went on: all "
            + children
            + " grandchildren ended, every other callback ran, each OOM went to the"
            + " uncaught-exception handler; the timer thread alive, a 20 ms timer armed after"
            + " fired in "
            + late
            + " ms",
        "nothing");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aMillionTimers_armedThenCancelled_armedThenFired_memoryBounded_timerThreadAlive()
      throws Exception {
    int n = 1_000_000;
    long seed = Long.getLong("ctx4j.faults.seed", System.nanoTime());
    System.out.printf("ProcessFaultsTest: seed=%d%n", seed);
    SplittableRandom random = new SplittableRandom(seed);
    int pendingBefore = Timers.get().pending();
    long heapBefore = usedHeapAfterGc();

    // Armed, then cancelled: each cancel must take its timer out at once.
    List<WeakReference<Context>> sample = new ArrayList<>();
    CancellableContext[] armed = new CancellableContext[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      armed[i] = Context.background().withTimeout(Duration.ofMinutes(10 + random.nextInt(50)));
      if (i % 1000 == 0) {
        sample.add(new WeakReference<>(armed[i]));
      }
    }
    assertEquals(pendingBefore + n, Timers.get().pending(), "timers armed");
    for (CancellableContext c : armed) {
      c.cancel();
    }
    long cancelMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(pendingBefore, Timers.get().pending(), "timers left after every cancel");
    java.util.Arrays.fill(armed, null);
    assertAllCleared(sample, "cancelled timers");
    long heapAfterCancel = usedHeapAfterGc();
    assertTrue(
        heapAfterCancel - heapBefore < HEAP_SLACK,
        "heap grew by " + (heapAfterCancel - heapBefore) / 1024 + " KB after a million cancels");

    // Armed, then fired: nothing holds them but the timers; every tenth of a million, a callback
    // run inline on the timer thread throws OutOfMemoryError.
    LongAdder fired = new LongAdder();
    CountDownLatch all = new CountDownLatch(1);
    sample.clear();
    t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      CancellableContext c =
          Context.background().withTimeout(Duration.ofMillis(1 + random.nextInt(2_000)));
      boolean throwing = i % (n / 10) == 0;
      var unused =
          c.afterDone(
              () -> {
                fired.increment();
                if (fired.sum() == n) {
                  all.countDown();
                }
                if (throwing) {
                  throw new OutOfMemoryError("test: timer-thread callback");
                }
              },
              Runnable::run);
      if (i % 1000 == 0) {
        sample.add(new WeakReference<>(c));
      }
    }
    assertTrue(all.await(120, TimeUnit.SECONDS), "only " + fired.sum() + " of " + n + " fired");
    long fireMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(pendingBefore, Timers.get().pending(), "timers left after they all fired");
    assertAllCleared(sample, "fired timers");
    long heapAfterFire = usedHeapAfterGc();
    assertTrue(
        heapAfterFire - heapBefore < HEAP_SLACK,
        "heap grew by " + (heapAfterFire - heapBefore) / 1024 + " KB after a million expiries");
    assertTrue(thread("ctx4j-timer").isAlive(), "the timer thread died");
    assertEquals(10, oomReported.get(), "the OOMs thrown on the timer thread were reported");
    CancellableContext later = Context.background().withTimeout(Duration.ofMillis(20));
    assertTrue(later.await(Duration.ofSeconds(10)), "a timer armed after the burst never fired");
    FaultReport.row(
        "core: 1,000,000 timers armed then cancelled, then 1,000,000 armed (1–2,000 ms) and left to"
            + " fire, ten of their callbacks throwing OutOfMemoryError on the timer thread",
        "2,000,000 timers",
        String.format(
            Locale.ROOT,
            "armed and cancelled in %,d ms, all fired %,d ms after the first was armed; pending"
                + " timers back to %d; heap after GC %+d KB from the start; the timer thread"
                + " alive and firing",
            cancelMs,
            fireMs,
            pendingBefore,
            (heapAfterFire - heapBefore) / 1024),
        "nothing: sampled contexts collected");
  }

  static Thread thread(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no thread named " + name);
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  private static void assertAllCleared(List<WeakReference<Context>> sample, String what) {
    for (int i = 0; i < 20 && sample.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
    }
    long alive = sample.stream().filter(r -> r.get() != null).count();
    assertEquals(0, alive, what + ": sampled contexts still reachable after GC");
  }
}
