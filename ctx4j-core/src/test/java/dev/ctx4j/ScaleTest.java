package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The counts SEMANTICS.md names (S8: 1,000,000 children; S13: 100,000 timers; S35: 100,000 random
 * timers on the real clock) and the deep (100,000) and wide (1,000,000) trees of the core issue.
 * Retained memory is checked two ways that can both fail: weak references to a sample of the
 * cancelled contexts must clear, and used heap after a full collection must come back near where it
 * started.
 *
 * <p>Run alone: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=ScaleTest}
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScaleTest {
  private static final Key<Integer> KEY = Key.named("i");

  /** A million retained children would hold ~50 MB; a healthy run stays well below this. */
  private static final long HEAP_SLACK = 16L << 20;

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

  @Test
  void s08_millionCancelledChildrenAreForgottenByTheirParent() {
    CancellableContext parent = Context.background().withCancel();
    List<WeakReference<Context>> sample = new ArrayList<>();
    long before = usedHeapAfterGc();

    for (int i = 0; i < 1_000_000; i++) {
      CancellableContext child = parent.withCancel();
      if (i % 10_000 == 0) {
        sample.add(new WeakReference<>(child));
      }
      child.cancel();
    }

    assertTrue(Trees.dependents(parent).isEmpty(), "the parent holds no cancelled child");
    assertAllCleared(sample, "S8");
    long after = usedHeapAfterGc();
    assertTrue(
        after - before < HEAP_SLACK,
        "heap grew by " + ((after - before) >> 10) + " KiB over a million cancelled children");
    assertTrue(!parent.isDone());
    parent.cancel();
  }

  @Test
  void s08_childrenEndedByTheirOwnDeadlineAreForgottenToo() {
    try (ManualTimers timers = ManualTimers.install()) {
      CancellableContext parent = Context.background().withCancel();
      List<WeakReference<Context>> sample = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        CancellableContext child = parent.withTimeout(Duration.ofMillis(1 + i % 100));
        if (i % 100 == 0) {
          sample.add(new WeakReference<>(child));
        }
      }
      timers.advance(Duration.ofMillis(100));
      assertTrue(Trees.dependents(parent).isEmpty());
      assertEquals(0, timers.pending());
      assertAllCleared(sample, "expired children");
      parent.cancel();
    }
  }

  @Test
  void s13_hundredThousandCancelledTimeoutsLeaveNoTimerAndNoHeap() {
    Timers timers = Timers.get(); // the production scheduler
    int pendingBefore = timers.pending();
    List<WeakReference<Context>> sample = new ArrayList<>();
    long before = usedHeapAfterGc();

    // One at a time, and all at once (the heap array must give its memory back).
    for (int i = 0; i < 100_000; i++) {
      CancellableContext c = Context.background().withTimeout(Duration.ofHours(1));
      c.cancel();
      assertInstanceOf(ContextCancelledException.class, c.err());
    }
    List<CancellableContext> all = new ArrayList<>(100_000);
    for (int i = 0; i < 100_000; i++) {
      CancellableContext c = Context.background().withTimeout(Duration.ofHours(1));
      all.add(c);
      if (i % 1_000 == 0) {
        sample.add(new WeakReference<>(c));
      }
    }
    assertEquals(pendingBefore + 100_000, timers.pending());
    for (CancellableContext c : all) {
      c.cancel();
    }
    assertEquals(pendingBefore, timers.pending(), "every timer released by cancel()");
    all = null;

    assertAllCleared(sample, "S13");
    long after = usedHeapAfterGc();
    assertTrue(
        after - before < HEAP_SLACK,
        "heap grew by " + ((after - before) >> 10) + " KiB over 100,000 cancelled timers");
  }

  @Test
  void s35_hundredThousandRandomTimersAllExpireNoneEarly() throws Exception {
    long seed = Long.getLong("ctx4j.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    int n = 100_000;
    CountDownLatch expired = new CountDownLatch(n);
    AtomicInteger early = new AtomicInteger();
    AtomicInteger wrongErr = new AtomicInteger();
    ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    List<CancellableContext> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Duration d = Duration.ofMillis(1 + random.nextInt(100));
      long start = System.nanoTime();
      CancellableContext c = Context.background().withTimeout(d);
      all.add(c);
      c.afterDone(
          () -> {
            long elapsed = System.nanoTime() - start;
            if (elapsed < d.toNanos() || !c.deadline().orElseThrow().isExpired()) {
              early.incrementAndGet();
              if (examples.size() < 5) {
                examples.add(d + " ended after " + elapsed + " ns");
              }
            }
            if (!(c.err() instanceof DeadlineExceededException)) {
              wrongErr.incrementAndGet();
            }
            expired.countDown();
          },
          Runnable::run); // checked on the timer thread, at the moment of expiry
    }

    boolean allDone = expired.await(60, TimeUnit.SECONDS);

    String where = " (seed " + seed + ", rerun with -Dctx4j.seed=" + seed + ")";
    assertTrue(allDone, expired.getCount() + " timers never fired" + where);
    assertEquals(0, early.get(), "fired early: " + examples + where);
    assertEquals(0, wrongErr.get(), "not DeadlineExceededException" + where);
    for (CancellableContext c : all) {
      assertSame(DeadlineExceededException.class, c.err().getClass());
    }
  }

  @Test
  void deepTree_hundredThousandLevelsBuildAndCancelWithoutStackOverflow() {
    try (ManualTimers timers = ManualTimers.install()) {
      RuntimeException x = new RuntimeException("x");
      CancellableContext root = Context.background().withCancel();
      Context leaf = root;
      Context middle = null;
      for (int i = 0; i < 100_000; i++) {
        leaf =
            switch (i % 4) {
              case 0 -> leaf.withCancel();
              case 1 -> leaf.withValue(KEY, i);
              case 2 -> leaf.withTimeout(Duration.ofHours(1 + i));
              default -> leaf.withCancel().withValue(KEY, -i);
            };
        if (i == 50_000) {
          middle = leaf;
        }
      }
      assertEquals(1, timers.pending(), "deeper deadlines are later: only the first is armed");
      assertEquals(-99_999, leaf.value(KEY));
      assertTrue(leaf.toString().startsWith("Context.background.withCancel.withCancel"));
      Context deepChild = leaf.withCancel();

      root.cancel(x);

      assertSame(x, leaf.cause());
      assertSame(x, middle.cause());
      assertSame(x, deepChild.cause());
      assertEquals(0, timers.pending());
    }
  }

  @Test
  void deepTree_cancelFromTheMiddleAndExpiryOfTheTop() {
    try (ManualTimers timers = ManualTimers.install()) {
      RuntimeException y = new RuntimeException("y");
      CancellableContext root = Context.background().withTimeout(Duration.ofSeconds(1));
      Context leaf = root;
      CancellableContext middle = null;
      for (int i = 0; i < 100_000; i++) {
        CancellableContext next = leaf.withCancel();
        if (i == 50_000) {
          middle = next;
        }
        leaf = next;
      }
      middle.cancel(y);
      assertSame(y, leaf.cause());
      timers.advance(Duration.ofSeconds(1));
      assertSame(y, leaf.cause(), "S39: the middle's own cause stays");
      assertInstanceOf(DeadlineExceededException.class, root.err());
    }
  }

  @Test
  void wideTree_millionChildrenBuildAndCancel() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withCancel();
    List<Context> children = new ArrayList<>(1_000_000);
    for (int i = 0; i < 1_000_000; i++) {
      children.add(i % 2 == 0 ? parent.withCancel() : parent.withValue(KEY, i).withCancel());
    }
    assertEquals(1_000_000, Trees.dependents(parent).size());

    parent.cancel(x);

    assertTrue(Trees.dependents(parent).isEmpty());
    for (Context c : children) {
      if (c.cause() != x) {
        throw new AssertionError(c + " has cause " + c.cause());
      }
    }
  }

  @Test
  void noThreadIsStartedPerContextOrPerTimer() {
    Context.background().withTimeout(Duration.ofHours(1)).cancel(); // the one timer thread
    int before = Thread.getAllStackTraces().size();
    List<CancellableContext> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      CancellableContext c = Context.background().withTimeout(Duration.ofHours(1));
      all.add(c);
      all.add(c.withValue(KEY, i).withCancel());
      c.afterDone(() -> {}); // nothing starts until the context is done
    }
    int after = Thread.getAllStackTraces().size();
    for (CancellableContext c : all) {
      c.cancel();
    }
    assertTrue(after <= before, (after - before) + " platform threads started for 20,000 contexts");
  }
}
