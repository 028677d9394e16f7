package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import java.lang.ref.WeakReference;
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
      assertTrue(dev.ctx4j.internal.Trace.attachment(root) instanceof Registry.Stamp);
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
      assertEquals(List.of(b, a), dev.ctx4j.internal.Trace.linkedChildrenOf(root));
      assertEquals(List.of(grandchild), dev.ctx4j.internal.Trace.linkedChildrenOf(a));
      assertEquals(
          List.of(),
          dev.ctx4j.internal.Trace.linkedChildrenOf(root.withValue(LeakDetectorTest.LeakKey.K, 2)));
      assertEquals(List.of(), dev.ctx4j.internal.Trace.linkedChildrenOf(ended));
      assertEquals(null, dev.ctx4j.internal.Trace.attachment(Context.background()));
      assertTrue(dev.ctx4j.internal.Trace.attachment(detachedChild) instanceof Registry.Stamp);
      var n =
          assertThrows(
              NullPointerException.class, () -> dev.ctx4j.internal.Trace.linkedChildrenOf(null));
      assertTrue(n.getMessage().contains("ctx"));
      n = assertThrows(NullPointerException.class, () -> dev.ctx4j.internal.Trace.attachment(null));
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
        Registry.Stamp s = (Registry.Stamp) dev.ctx4j.internal.Trace.attachment(root.withCancel());
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
      assertEquals(null, dev.ctx4j.internal.Trace.attachment(untraced));
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

  /** Runs {@code body} with sites sampled and leak watching off: most tops then join groups. */
  private static void sampledSitesNoWatch(ThrowingRunnable body) throws Exception {
    Registry.Sites sites = Registry.INSTANCE.sites();
    LeakDetector.Level level = LeakDetector.level();
    Registry.INSTANCE.sites(Registry.Sites.SAMPLE);
    LeakDetector.level(LeakDetector.Level.OFF);
    try {
      body.run();
    } finally {
      LeakDetector.level(level);
      Registry.INSTANCE.sites(sites);
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void unsampledTops_shareTheirThreadsGroupPerTick_growingToMaxGroup_allFound() throws Exception {
    sampledSitesNoWatch(
        () -> {
          long mark = ContextTree.mark();
          List<CancellableContext> tops = new ArrayList<>();
          for (int i = 0; i < 20_000; i++) {
            tops.add(Context.background().withCancel());
          }
          // Per tick: at most one sampled top (its own stamp), the rest in groups of 4, 8, ... 64.
          Map<Long, List<Registry.Group>> groupsByTick = new java.util.HashMap<>();
          java.util.IdentityHashMap<Registry.Group, Integer> members =
              new java.util.IdentityHashMap<>();
          Map<Long, Integer> ownByTick = new java.util.HashMap<>();
          for (CancellableContext c : tops) {
            Registry.Stamp s = (Registry.Stamp) dev.ctx4j.internal.Trace.attachment(c);
            if (s instanceof Registry.Group g) {
              if (members.merge(g, 1, Integer::sum) == 1) {
                groupsByTick.computeIfAbsent(g.seq, k -> new ArrayList<>()).add(g);
              }
              assertTrue(
                  java.util.Arrays.asList(g.tops).contains(c),
                  "a top is in the group it points to");
            } else {
              assertTrue(s.site != null, "a top outside a group is a sample");
              ownByTick.merge(s.seq, 1, Integer::sum);
            }
          }
          ownByTick.forEach((tick, n) -> assertEquals(1, n, "one sample in tick " + tick));
          for (List<Registry.Group> inTick : groupsByTick.values()) {
            // Capacities double up to the maximum; a group restarts at the first capacity only
            // if another thread took this thread's slot of the tick's table in between.
            int capacity = Registry.FIRST_GROUP;
            for (int i = 0; i < inTick.size(); i++) {
              Registry.Group g = inTick.get(i);
              boolean restart = i > 0 && g.tops.length == Registry.FIRST_GROUP;
              if (restart) {
                capacity = Registry.FIRST_GROUP;
              }
              assertEquals(capacity, g.tops.length, "group " + i + " of its tick");
              boolean nextRestarts =
                  i + 1 < inTick.size() && inTick.get(i + 1).tops.length == Registry.FIRST_GROUP;
              if (i < inTick.size() - 1 && !nextRestarts) {
                assertEquals(capacity, members.get(g), "a group is full before the next opens");
              }
              capacity = Math.min(Registry.MAX_GROUP, 2 * capacity);
            }
          }
          assertTrue(
              members.size() < tops.size() / 8,
              members.size() + " groups for " + tops.size() + " tops");
          List<Map.Entry<Context, Registry.Stamp>> live = liveSince(mark);
          assertEquals(tops.size(), live.size());
          java.util.Set<Context> found =
              java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
          live.forEach(e -> found.add(e.getKey()));
          assertTrue(found.containsAll(tops), "every top is found");
          for (int i = 0; i < tops.size(); i += 2) {
            tops.get(i).cancel();
          }
          assertEquals(tops.size() / 2, liveSince(mark).size(), "cancelled tops leave the tree");
          tops.forEach(CancellableContext::cancel);
          assertEquals(0, liveSince(mark).size());
        });
  }

  /** A top that opened a fresh group, and weak references to the tops created after it. */
  private static final class GroupTrial {
    CancellableContext kept;
    int capacity;
    final List<WeakReference<Context>> siblings = new ArrayList<>();
    final List<WeakReference<Context>> others = new ArrayList<>();

    /** Null if the clock ticked before the group was full. */
    static GroupTrial make() {
      GroupTrial t = new GroupTrial();
      t.kept = Context.background().withCancel();
      while (!(dev.ctx4j.internal.Trace.attachment(t.kept) instanceof Registry.Group g
          && g.tops[0] == t.kept)) {
        t.kept = Context.background().withCancel(); // until one opens a fresh group
      }
      Object group = dev.ctx4j.internal.Trace.attachment(t.kept);
      t.capacity = ((Registry.Group) group).tops.length;
      for (int i = 0; i < 3 * Registry.MAX_GROUP; i++) {
        CancellableContext c = Context.background().withCancel(); // dropped, not cancelled
        (dev.ctx4j.internal.Trace.attachment(c) == group ? t.siblings : t.others)
            .add(new WeakReference<>(c));
      }
      if (t.siblings.size() == t.capacity - 1) {
        return t;
      }
      t.kept.cancel();
      return null;
    }
  }

  private static void collectUntilCleared(List<WeakReference<Context>> refs) {
    for (int i = 0; i < 500 && refs.stream().anyMatch(w -> w.get() != null); i++) {
      System.gc();
      Thread.onSpinWait();
    }
  }

  @Test
  void topDroppedWithoutCancel_staysWhileASiblingOfItsGroupLives_thenIsCollected()
      throws Exception {
    sampledSitesNoWatch(
        () -> {
          long mark = ContextTree.mark();
          GroupTrial t = GroupTrial.make();
          for (int attempt = 0; t == null; attempt++) {
            assertTrue(attempt < 100, "the clock ticked inside 100 groups in a row");
            t = GroupTrial.make();
          }
          assertTrue(!t.others.isEmpty());
          collectUntilCleared(t.others);
          assertTrue(
              t.others.stream().allMatch(w -> w.get() == null),
              "tops of other groups, dropped, are collected");
          assertTrue(
              t.siblings.stream().allMatch(w -> w.get() != null),
              "a live sibling keeps the group, and so its dropped tops");
          assertTrue(t.capacity <= Registry.MAX_GROUP, "bounded: " + t.capacity);
          assertEquals(t.capacity, liveSince(mark).size(), "shown live: never cancelled");
          t.kept.cancel();
          t.kept = null;
          collectUntilCleared(t.siblings);
          assertTrue(
              t.siblings.stream().allMatch(w -> w.get() == null),
              "once no top of the group is reachable, the whole group is collected");
          assertEquals(0, liveSince(mark).size());
        });
  }

  @Test
  void twoThreadsSharingAGroupSlot_eachFillsOnlyItsOwnGroups_allTopsFound() throws Exception {
    sampledSitesNoWatch(
        () -> {
          long mark = ContextTree.mark();
          int n = 2_000;
          List<Map.Entry<Long, CancellableContext>> made =
              java.util.Collections.synchronizedList(new ArrayList<>());
          java.util.concurrent.Semaphore[] turn = {
            new java.util.concurrent.Semaphore(1), new java.util.concurrent.Semaphore(0)
          };
          Map<Long, Integer> role = new java.util.concurrent.ConcurrentHashMap<>();
          Runnable body =
              () -> {
                long me = Thread.currentThread().threadId();
                int who = role.get(me);
                for (int i = 0; i < n; i++) {
                  turn[who].acquireUninterruptibly(); // lock-step: the slot changes hands each time
                  made.add(Map.entry(me, Context.background().withCancel()));
                  turn[1 - who].release();
                }
              };
          Map<Integer, Thread> bySlot = new java.util.HashMap<>();
          Thread a;
          Thread b;
          while (true) {
            Thread t = Thread.ofPlatform().unstarted(body);
            Thread first =
                bySlot.putIfAbsent((int) t.threadId() & (CoarseClock.GROUP_SLOTS - 1), t);
            if (first != null) {
              a = first;
              b = t;
              break;
            }
          }
          role.put(a.threadId(), 0);
          role.put(b.threadId(), 1);
          a.start();
          b.start();
          a.join();
          b.join();
          assertEquals(2 * n, made.size());
          for (Map.Entry<Long, CancellableContext> e : made) {
            if (dev.ctx4j.internal.Trace.attachment(e.getValue()) instanceof Registry.Group g) {
              assertEquals((long) e.getKey(), g.owner, "a group is filled by its owner only");
              assertTrue(java.util.Arrays.asList(g.tops).contains(e.getValue()), "and holds it");
            }
          }
          assertEquals(2 * n, liveSince(mark).size(), "every top of both threads is found");
          made.forEach(e -> e.getValue().cancel());
        });
  }
}
