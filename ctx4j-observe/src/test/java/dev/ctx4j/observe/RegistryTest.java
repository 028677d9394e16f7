package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stamps, the per-thread logs of tops and the walk through linked children. */
class RegistryTest {
  private static final java.time.Duration HOUR = java.time.Duration.ofHours(1);

  @BeforeEach
  void on() {
    ContextTree.enable();
  }

  private static List<Map.Entry<Context, Registry.Stamp>> liveSince(long mark) {
    return Registry.INSTANCE.live().stream().filter(e -> e.getValue().seq > mark).toList();
  }

  @Test
  void contextsOfThreadsThatEnded_topsAndLinkedChildren_stayInTheTreeUntilCancelled()
      throws Exception {
    long mark = ContextTree.mark();
    CancellableContext root = Context.background().withCancel();
    ConcurrentLinkedQueue<CancellableContext> tops = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 500; i++) {
                      root.withCancel(); // linked: reachable from root, no record
                      CancellableContext top = Context.background().withCancel(); // recorded
                      top.withTimeout(java.time.Duration.ofHours(1)); // linked to the top
                      tops.add(top); // more than a segment: the log grows and compacts
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join(); // join: every creation happens-before the snapshot
    }
    assertEquals(1 + 3 * 2_000, liveSince(mark).size());
    assertEquals(1 + 3 * 2_000, ContextTree.liveSince(mark).live());
    root.cancel();
    assertEquals(2 * 2_000, liveSince(mark).size(), "a cancelled subtree leaves the tree");
    tops.forEach(CancellableContext::cancel);
    assertEquals(0, liveSince(mark).size(), "cancelled contexts leave the tree");
  }

  @Test
  void linkedChildren_getNoRecord_topsDo() {
    try (CancellableContext root = Context.background().withCancel()) {
      long before = Registry.INSTANCE.recordedHere();
      for (int i = 0; i < 10_000; i++) {
        root.withCancel().withValue(LeakDetectorTest.LeakKey.K, i).withCancel();
      }
      assertEquals(before, Registry.INSTANCE.recordedHere(), "linked children are walked to");
      long under =
          Registry.INSTANCE.live().stream()
              .filter(e -> LeakDetector.isUnder(e.getKey(), root))
              .count();
      assertEquals(20_000, under, "and found through their parents");
      assertTrue(Tracing.attachment(root) instanceof Registry.Stamp);
      try (CancellableContext top = Context.background().withCancel()) {
        assertTrue(
            Registry.INSTANCE.live().stream().anyMatch(e -> e.getKey() == top),
            "a top is found through its record (nothing links it)");
      }
    }
  }

  @Test
  void linkedChildrenOf_liveCancellableChildrenThroughValues_newestFirst_badInputNamed() {
    try (CancellableContext root = Context.background().withCancel()) {
      CancellableContext a = root.withCancel();
      CancellableContext b = root.withValue(LeakDetectorTest.LeakKey.K, 1).withTimeout(HOUR);
      CancellableContext ended = root.withCancel();
      var detachedChild = root.withoutCancel().withCancel(); // registers nowhere
      var grandchild = a.withCancel(); // registered with a, not root
      ended.cancel();
      assertEquals(List.of(b, a), Tracing.linkedChildrenOf(root));
      assertEquals(List.of(grandchild), Tracing.linkedChildrenOf(a));
      assertEquals(
          List.of(), Tracing.linkedChildrenOf(root.withValue(LeakDetectorTest.LeakKey.K, 2)));
      assertEquals(List.of(), Tracing.linkedChildrenOf(ended));
      assertEquals(null, Tracing.attachment(Context.background()));
      assertTrue(Tracing.attachment(detachedChild) instanceof Registry.Stamp);
      var n = assertThrows(NullPointerException.class, () -> Tracing.linkedChildrenOf(null));
      assertTrue(n.getMessage().contains("ctx"));
      n = assertThrows(NullPointerException.class, () -> Tracing.attachment(null));
      assertTrue(n.getMessage().contains("ctx"));
      detachedChild.cancel();
    }
  }

  @Test
  void sampling_unsampledShareTheirTicksStamp_atMostOneSitePerTick() {
    ContextTree.allSites(false);
    LeakDetector.Level level = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.OFF);
    try (CancellableContext root = Context.background().withCancel()) {
      Map<Long, List<Registry.Stamp>> byTick = new java.util.HashMap<>();
      // Several ticks (the first may have given its sample to root), many contexts per tick.
      for (int i = 0; i < 20_000 || (byTick.size() < 5 && i < 5_000_000); i++) {
        Registry.Stamp s = (Registry.Stamp) Tracing.attachment(root.withCancel());
        byTick.computeIfAbsent(s.seq, k -> new ArrayList<>()).add(s);
      }
      assertTrue(byTick.size() >= 5, "contexts over " + byTick.size() + " ticks");
      int sites = 0;
      for (List<Registry.Stamp> tick : byTick.values()) {
        List<Registry.Stamp> own = tick.stream().filter(s -> s.site != null).toList();
        assertTrue(own.size() <= 1, "one sample per tick on one thread: " + own.size());
        sites += own.size();
        long shared =
            tick.stream()
                .filter(s -> s.site == null)
                .map(System::identityHashCode)
                .distinct()
                .count();
        assertTrue(shared <= 1, "unsampled contexts of a tick share one stamp: " + shared);
      }
      assertTrue(sites >= 1, "the first context of a tick records its site");
      assertTrue(sites <= byTick.size());
    } finally {
      LeakDetector.level(level);
      ContextTree.allSites(true);
    }
  }

  @Test
  void droppedTops_leaveTheTreeAfterCollection_liveOnesStay() {
    LeakDetector.Level level = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.OFF); // the dropped ones are lost cancels on purpose
    try {
      long mark = ContextTree.mark();
      CancellableContext kept = Context.background().withCancel();
      for (int i = 0; i < 100_000; i++) {
        Context.background().withCancel(); // dropped at once
      }
      for (int i = 0; i < 200 && liveSince(mark).size() > 1; i++) {
        System.gc();
        Thread.onSpinWait();
      }
      List<Map.Entry<Context, Registry.Stamp>> live = liveSince(mark);
      assertEquals(1, live.size(), "collected contexts left the tree");
      assertTrue(live.get(0).getKey() == kept, "the reachable one is still there");
      kept.cancel();
    } finally {
      LeakDetector.level(level);
    }
  }

  @Test
  void parentCreatedWhileTracingWasOff_itsTracedChildrenAreTops() {
    Tracing.off();
    CancellableContext untraced = Context.background().withCancel();
    Tracing.on();
    try {
      long mark = ContextTree.mark();
      CancellableContext child = untraced.withCancel();
      assertEquals(null, Tracing.attachment(untraced));
      List<Map.Entry<Context, Registry.Stamp>> live = liveSince(mark);
      assertEquals(1, live.size());
      assertTrue(live.get(0).getKey() == child);
      ContextTree.Snapshot s = ContextTree.liveSince(mark);
      assertEquals(untraced.toString(), s.roots().get(0).segment());
    } finally {
      untraced.cancel();
    }
  }

  @Test
  void manyShortLivedThreads_logsOfEndedThreadsAreSwept() throws Exception {
    for (int round = 0; round < 20; round++) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 100; t++) {
        threads.add(Thread.ofVirtual().start(() -> Context.background().withCancel().cancel()));
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    assertTrue(
        Registry.INSTANCE.logCount() < 1_000,
        "2,000 threads ended; logs kept: " + Registry.INSTANCE.logCount());
  }
}
