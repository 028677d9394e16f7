package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized stress of {@link TimerBuckets} against a plain model (a map of armed nodes to their
 * deadlines): timed contexts armed in bursts inside one window, across neighbouring windows and far
 * ahead, disarmed by {@code cancel()} or taken out directly, and the clock moved in steps of up to
 * a few windows, starting near {@code Long.MAX_VALUE} so deadlines wrap. After every step:
 *
 * <ul>
 *   <li>the structure's own invariants hold (lists, counts, heap order, bounds below deadlines);
 *   <li>{@code takeDue(now)} returns exactly the armed nodes whose deadline is at or before now,
 *       none early (S9), and {@code pollDue(now)} the earliest of them;
 *   <li>a disarmed node is gone at once and the heap holds only non-empty buckets, so memory
 *       follows the armed timers (S13); {@code earliest()} never lies after a due deadline.
 * </ul>
 *
 * <p>The seed is printed on failure; rerun one with {@code -Dctx4j.seed=N}.
 */
@ExtendWith(CoreInvariants.class)
class TimerBucketsStressTest {
  private static final long WINDOW = 1L << TimerBuckets.SHIFT;

  /** A clock whose timers all land in one structure that the test inspects. */
  static final class OneShard extends Timers {
    final TimerBuckets buckets = new TimerBuckets();
    long now;

    OneShard(long start) {
      now = start;
    }

    @Override
    long nanoTime() {
      return now;
    }

    @Override
    TimerBuckets shard() {
      return buckets;
    }

    @Override
    void arm(TimerNode node) {
      synchronized (buckets) {
        buckets.add(node);
      }
    }

    @Override
    int pending() {
      synchronized (buckets) {
        return buckets.size();
      }
    }
  }

  @Test
  void s09_s13_randomArmDisarmAndExpiryAgreeWithTheModel() {
    long base = Long.getLong("ctx4j.seed", System.nanoTime());
    int rounds = Integer.getInteger("ctx4j.stress.rounds", 100);
    for (int round = 0; round < rounds; round++) {
      long seed = base + round;
      try {
        runRound(seed);
      } catch (Throwable t) {
        throw new AssertionError("round failed; rerun with -Dctx4j.seed=" + seed, t);
      }
    }
  }

  private static void runRound(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long start = random.nextBoolean() ? ManualTimers.START : random.nextLong();
    OneShard clock = new OneShard(start);
    Timers previous = Timers.install(clock);
    try {
      run(random, clock);
    } finally {
      Timers.install(previous);
    }
  }

  private static void run(SplittableRandom random, OneShard clock) {
    TimerBuckets b = clock.buckets;
    Map<TimerNode, Long> armed = new IdentityHashMap<>();
    List<TimerNode> live = new ArrayList<>();
    int steps = 1_000 + random.nextInt(1_000);
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(100);
      if (op < 45) {
        long offset =
            switch (random.nextInt(4)) {
              case 0 -> 1 + random.nextLong(1_000); // a burst inside one window
              case 1 -> 1 + random.nextLong(8 * WINDOW); // the next few windows
              case 2 -> 1 + random.nextLong(Duration.ofHours(1).toNanos()); // far ahead
              default -> random.nextLong(-WINDOW, WINDOW); // past, zero or very near
            };
        TimerNode n = (TimerNode) Context.background().withTimeout(Duration.ofNanos(offset));
        if (offset > 0) {
          assertTrue(n.bucket != null, "armed");
          armed.put(n, clock.now + offset);
          live.add(n);
        } else {
          assertTrue(n.isDone() && n.bucket == null, "S10: born done, nothing armed");
        }
      } else if (op < 65 && !live.isEmpty()) {
        TimerNode n = live.remove(random.nextInt(live.size()));
        n.cancel(); // disarms through onDone, on the node's own shard
        armed.remove(n);
        assertNull(n.bucket, "S13: disarmed at once");
      } else if (op < 70 && !live.isEmpty()) {
        TimerNode n = live.get(random.nextInt(live.size()));
        assertEquals(armed.remove(n) != null, b.remove(n), "remove reports whether it was armed");
      } else if (op < 90) {
        clock.now += random.nextLong(3 * WINDOW);
        List<TimerNode> due = b.takeDue(clock.now, null);
        if (due != null) {
          for (TimerNode n : due) {
            Long d = armed.remove(n);
            assertNotNull(d, "taken but not armed");
            assertTrue(d - clock.now <= 0, "S9: taken before its deadline");
            assertNull(n.bucket);
          }
        }
        for (Map.Entry<TimerNode, Long> e : armed.entrySet()) {
          assertTrue(e.getValue() - clock.now > 0, "a due timer was left behind");
        }
      } else {
        clock.now += random.nextLong(WINDOW);
        TimerNode first = b.pollDue(clock.now);
        TimerNode expected = earliest(armed);
        if (expected == null || armed.get(expected) - clock.now > 0) {
          assertNull(first, "nothing is due");
        } else {
          assertNotNull(first, "the earliest is due");
          assertEquals(armed.get(expected), armed.remove(first), "pollDue takes the earliest");
        }
      }
      b.checkInvariants();
      assertEquals(armed.size(), b.size(), "one entry per armed timer");
      assertTrue(b.bucketCount() <= b.size(), "only non-empty buckets are kept in the heap");
      TimerNode min = earliest(armed);
      if (min != null) {
        assertTrue(b.earliest() - armed.get(min) <= 0, "earliest() is a lower bound");
      }
    }
    for (TimerNode n : live) {
      n.cancel();
    }
    assertEquals(0, b.size(), "every timer released");
    assertEquals(0, b.bucketCount(), "no bucket left in the heap");
  }

  private static TimerNode earliest(Map<TimerNode, Long> armed) {
    TimerNode best = null;
    for (Map.Entry<TimerNode, Long> e : armed.entrySet()) {
      if (best == null || e.getValue() - armed.get(best) < 0) {
        best = e.getKey();
      }
    }
    return best;
  }
}
