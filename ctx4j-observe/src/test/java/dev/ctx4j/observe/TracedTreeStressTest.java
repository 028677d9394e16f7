package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized stress of the traced tree (ADR 0034): several threads derive tops ({@code
 * background().withCancel()}), linked children (withCancel, withTimeout, through value and detached
 * contexts) of their own live contexts and cancel random ones, while a reader keeps taking {@link
 * Registry#live()} snapshots. During the run no snapshot may list a context twice, and every
 * context any snapshot listed must turn out to be one the test created; between phases, with every
 * writer stopped at a barrier, the snapshot must hold exactly the contexts that are not done. The
 * test holds every context it creates, so none is collected.
 *
 * <p>The seed is printed on failure; rerun one with {@code -Dctx4j.seed=N} ({@code
 * -Dctx4j.stress.rounds=N} for more rounds).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracedTreeStressTest {
  private static final int THREADS = 3;
  private static final int PHASES = 4;
  private static final int ACTIONS = 300;
  private static final Key<Integer> K = Key.named("k");

  @Test
  void randomDeriveAndCancel_snapshotsHoldExactlyTheLiveTracedContexts() throws Exception {
    ContextTree.enable();
    LeakDetector.Level level = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.OFF); // every context is cancelled by the end anyway
    Registry.Sites sites = Registry.INSTANCE.sites();
    Registry.INSTANCE.sites(Registry.Sites.SAMPLE); // most tops then share their thread's group
    try {
      long base = Long.getLong("ctx4j.seed", System.nanoTime());
      int rounds = Integer.getInteger("ctx4j.stress.rounds", 10);
      for (int round = 0; round < rounds; round++) {
        long seed = base + round;
        try {
          runRound(seed);
        } catch (Throwable t) {
          throw new AssertionError("round failed; rerun with -Dctx4j.seed=" + seed, t);
        }
      }
    } finally {
      LeakDetector.level(level);
      Registry.INSTANCE.sites(sites);
    }
  }

  private static void runRound(long seed) throws Exception {
    long mark = ContextTree.mark();
    Set<Context> created =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    CyclicBarrier barrier = new CyclicBarrier(THREADS + 1);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom random = new SplittableRandom(seed * 31 + t);
      writers.add(
          Thread.ofPlatform()
              .name("writer-" + t)
              .start(() -> write(random, created, barrier, failures)));
    }
    AtomicReference<String> readerFailure = new AtomicReference<>();
    Set<Context> seen = Collections.newSetFromMap(new IdentityHashMap<>()); // the reader's
    Thread reader =
        Thread.ofPlatform()
            .name("reader")
            .start(
                () -> {
                  while (!stop.get()) {
                    String bad = checkDuringRun(Registry.INSTANCE.live(), mark, seen);
                    if (bad != null) {
                      readerFailure.compareAndSet(null, bad);
                    }
                  }
                });
    try {
      for (int phase = 0; phase < PHASES; phase++) {
        barrier.await(30, TimeUnit.SECONDS); // writers stopped: the tree must be exact
        assertExact(mark, created);
        barrier.await(30, TimeUnit.SECONDS); // let them go on
      }
    } finally {
      stop.set(true);
      for (Thread w : writers) {
        w.join();
      }
      reader.join();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("a writer failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    assertEquals(null, readerFailure.get());
    for (Context c : seen) { // every add to created happened-before the joins
      assertTrue(created.contains(c), () -> "listed but never created by the test: " + c);
    }
    synchronized (created) {
      for (Context c : created) {
        if (c instanceof CancellableContext cc) {
          cc.cancel();
        }
      }
    }
    assertEquals(List.of(), since(Registry.INSTANCE.live(), mark), "all cancelled: tree empty");
  }

  private static void write(
      SplittableRandom random,
      Set<Context> created,
      CyclicBarrier barrier,
      ConcurrentLinkedQueue<Throwable> failures) {
    List<CancellableContext> mine = new ArrayList<>();
    try {
      for (int phase = 0; phase < PHASES; phase++) {
        for (int i = 0; i < ACTIONS; i++) {
          int op = random.nextInt(10);
          if (mine.isEmpty() || op < 2) {
            CancellableContext top = Context.background().withCancel();
            created.add(top);
            mine.add(top);
          } else if (op < 7) {
            Context from = mine.get(random.nextInt(mine.size()));
            if (random.nextBoolean()) {
              from = from.withValue(K, i); // a path node between parent and child
            }
            if (random.nextInt(8) == 0) {
              from = from.withoutCancel(); // its children are tops again
            }
            CancellableContext child =
                random.nextBoolean() ? from.withCancel() : from.withTimeout(Duration.ofHours(1));
            created.add(child);
            mine.add(child);
          } else {
            mine.remove(random.nextInt(mine.size())).cancel(); // its subtree ends too
          }
          mine.removeIf(Context::isDone);
        }
        barrier.await(30, TimeUnit.SECONDS);
        barrier.await(30, TimeUnit.SECONDS);
      }
    } catch (Throwable t) {
      failures.add(t);
      barrier.reset();
    }
  }

  private static List<Context> since(List<Map.Entry<Context, Registry.Stamp>> live, long mark) {
    List<Context> out = new ArrayList<>();
    for (Map.Entry<Context, Registry.Stamp> e : live) {
      if (e.getValue().seq > mark) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** What must hold of any snapshot, even one taken while writers run; null if it does. */
  private static String checkDuringRun(
      List<Map.Entry<Context, Registry.Stamp>> live, long mark, Set<Context> seen) {
    Set<Context> once = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Context c : since(live, mark)) {
      if (!once.add(c)) {
        return "listed twice: " + c;
      }
      seen.add(c);
    }
    return null;
  }

  private static void assertExact(long mark, Set<Context> created) {
    List<Context> listed = since(Registry.INSTANCE.live(), mark);
    Set<Context> expected = Collections.newSetFromMap(new IdentityHashMap<>());
    synchronized (created) {
      for (Context c : created) {
        if (!c.isDone()) {
          expected.add(c);
        }
      }
    }
    Set<Context> got = Collections.newSetFromMap(new IdentityHashMap<>());
    got.addAll(listed);
    assertEquals(listed.size(), got.size(), "a context listed twice");
    Set<Context> missing = Collections.newSetFromMap(new IdentityHashMap<>());
    missing.addAll(expected);
    missing.removeAll(got);
    assertTrue(
        missing.isEmpty(), () -> missing.size() + " live contexts missing, e.g. " + first(missing));
    got.removeAll(expected);
    assertTrue(got.isEmpty(), () -> got.size() + " done contexts listed, e.g. " + first(got));
  }

  private static String first(Set<Context> s) {
    return s.isEmpty() ? "" : s.iterator().next().toString();
  }
}
