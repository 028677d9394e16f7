package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lock-free per-thread logs behind the live tree. */
class RegistryTest {
  private static final Key<Integer> N = Key.named("n");

  @BeforeEach
  void on() {
    ContextTree.enable();
  }

  private static long liveSince(long mark) {
    return Registry.INSTANCE.live().stream().filter(e -> e.getValue().id > mark).count();
  }

  @Test
  void contextsOfThreadsThatEnded_stayInTheTreeUntilCancelled() throws Exception {
    long mark = ContextTree.mark();
    CancellableContext root = Context.background().withCancel();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1_000; i++) {
                      root.withCancel(); // more than a segment: the log grows and compacts
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join(); // join: every creation happens-before the snapshot
    }
    assertEquals(4_001, liveSince(mark));
    assertEquals(4_001, ContextTree.liveSince(mark).live());
    root.cancel();
    assertEquals(0, liveSince(mark), "cancelled contexts leave the tree");
  }

  @Test
  void droppedValueContexts_leaveTheTreeAfterCollection_liveOnesStay() {
    CancellableContext root = Context.background().withCancel();
    try {
      long mark = ContextTree.mark();
      Context kept = root.withValue(N, -1);
      for (int i = 0; i < 100_000; i++) {
        root.withValue(N, i); // dropped at once
      }
      for (int i = 0; i < 200 && liveSince(mark) > 1; i++) {
        System.gc();
        Thread.onSpinWait();
      }
      List<Map.Entry<Context, Registry.Rec>> live =
          Registry.INSTANCE.live().stream().filter(e -> e.getValue().id > mark).toList();
      assertEquals(1, live.size(), "collected contexts left the tree");
      assertTrue(live.get(0).getKey() == kept, "the reachable one is still there");
    } finally {
      root.cancel();
    }
  }

  @Test
  void manyShortLivedThreads_logsOfEndedThreadsAreSwept() throws Exception {
    CancellableContext root = Context.background().withCancel();
    try {
      for (int round = 0; round < 20; round++) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 100; t++) {
          threads.add(Thread.ofVirtual().start(() -> root.withCancel().cancel()));
        }
        for (Thread t : threads) {
          t.join();
        }
      }
      assertTrue(
          Registry.INSTANCE.logCount() < 1_000,
          "2,000 threads ended; logs kept: " + Registry.INSTANCE.logCount());
    } finally {
      root.cancel();
    }
  }
}
