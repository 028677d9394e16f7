package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lookup structures behind S14/S15 (ADR 0021): the key filter, the lazily built index, and the
 * walk between them, checked against a reference map along random chains of every node kind. The
 * seed is printed on failure; rerun one with {@code -Dctx4j.seed=N}.
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ValueIndexTest {
  private static final long SEED = Long.getLong("ctx4j.seed", System.nanoTime());
  private ManualTimers timers;

  @BeforeEach
  void manualClock() {
    timers = ManualTimers.install();
  }

  @AfterEach
  void restoreClock() {
    timers.close();
  }

  /** A chain grown at random, with the bindings each of its contexts must see. */
  private static final class Chain {
    final List<Context> contexts = new ArrayList<>();
    final List<Map<Key<?>, Object>> expected = new ArrayList<>(); // key -> value (may be null)
    final List<CancellableContext> owned = new ArrayList<>();
  }

  private static Chain randomChain(SplittableRandom r, List<Key<Integer>> keys, int length) {
    Chain c = new Chain();
    Context ctx = Context.background();
    Map<Key<?>, Object> seen = new HashMap<>();
    for (int i = 0; i < length; i++) {
      int kind = r.nextInt(10);
      if (kind < 6) {
        Key<Integer> k = keys.get(r.nextInt(keys.size()));
        Integer v = r.nextInt(5) == 0 ? null : i; // a null value shadows like any other (S15)
        ctx = ctx.withValue(k, v);
        seen = new HashMap<>(seen);
        seen.put(k, v);
      } else if (kind == 6) {
        CancellableContext cc = ctx.withCancel();
        c.owned.add(cc);
        ctx = r.nextBoolean() ? cc : cc.readOnly();
      } else if (kind == 7) {
        CancellableContext cc = ctx.withTimeout(Duration.ofMinutes(1 + r.nextInt(5)));
        c.owned.add(cc);
        ctx = cc;
      } else if (kind == 8) {
        ctx = ctx.withoutCancel();
      } else {
        // a run of non-value nodes, sometimes longer than the filter follows
        int run = r.nextInt(ValueNode.FILTER_HOPS * 2);
        for (int j = 0; j < run; j++) {
          CancellableContext cc = ctx.withCancel();
          c.owned.add(cc);
          ctx = cc;
        }
      }
      c.contexts.add(ctx);
      c.expected.add(seen);
    }
    return c;
  }

  private static List<Key<Integer>> keys(int n) {
    List<Key<Integer>> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(Key.named("k" + i));
    }
    return keys;
  }

  /** Every lookup, on every path through filter, walk and index, agrees with the reference map. */
  @Test
  void s14_s15_randomChainsAgreeWithAReferenceMap() {
    SplittableRandom r = new SplittableRandom(SEED);
    try {
      for (int round = 0; round < 200; round++) {
        List<Key<Integer>> keys = keys(1 + r.nextInt(r.nextBoolean() ? 8 : 150));
        List<Key<Integer>> absent = keys(3); // never bound
        Chain c = randomChain(r, keys, 1 + r.nextInt(200));
        int lookups = 1 + r.nextInt(4000); // enough, at times, for many nodes to build an index
        for (int i = 0; i < lookups; i++) {
          int at = r.nextInt(c.contexts.size());
          Context ctx = c.contexts.get(at);
          Key<Integer> k =
              r.nextInt(8) == 0
                  ? absent.get(r.nextInt(absent.size()))
                  : keys.get(r.nextInt(keys.size()));
          assertEquals(
              c.expected.get(at).get(k), ctx.value(k), () -> "round lookup of " + k + " at " + ctx);
        }
        // once more everywhere, now that some tables exist
        for (int at = 0; at < c.contexts.size(); at++) {
          for (Key<Integer> k : keys) {
            assertEquals(c.expected.get(at).get(k), c.contexts.get(at).value(k));
          }
        }
        c.owned.forEach(CancellableContext::cancel);
      }
    } catch (AssertionError | OutOfMemoryError e) {
      throw new AssertionError("seed " + SEED + " (rerun with -Dctx4j.seed=" + SEED + ")", e);
    }
  }

  private static Context chainOfValues(List<Key<Integer>> keys) {
    Context ctx = Context.background();
    for (int i = 0; i < keys.size(); i++) {
      ctx = ctx.withValue(keys.get(i), i);
    }
    return ctx;
  }

  private static List<ValueNode> valueNodes(Context leaf) {
    List<ValueNode> out = new ArrayList<>();
    for (Node n = (Node) leaf; n != null; n = n.parent) {
      if (n instanceof ValueNode v) {
        out.add(v);
      }
    }
    return out;
  }

  @Test
  void s14_aChainLookedUpOncePerLevelBuildsNoIndex() {
    List<Key<Integer>> keys = keys(300);
    Key<Integer> missing = Key.named("missing");
    Context leaf = chainOfValues(keys);
    boolean hit = false;
    for (ValueNode v : valueNodes(leaf)) {
      if (hit) {
        assertEquals(0, v.value(keys.get(0)));
      } else {
        assertNull(v.value(missing));
      }
      hit = !hit;
    }
    for (ValueNode v : valueNodes(leaf)) {
      assertNull(v.table(), "no index after a single long walk");
    }
  }

  @Test
  void s14_repeatedLongWalksBuildAnIndexThatShadowsAndKeepsNulls() {
    List<Key<Integer>> keys = keys(40);
    Key<Integer> missing = Key.named("missing");
    Context ctx = chainOfValues(keys).withValue(keys.get(3), null).withValue(keys.get(5), 500);
    ValueNode leaf = (ValueNode) ctx;
    assertEquals(0, ctx.value(keys.get(0)));
    assertNull(leaf.table(), "one long walk only marks the node");
    assertEquals(0, ctx.value(keys.get(0)));
    assertNotNull(leaf.table(), "the second long walk builds the index");

    assertNull(ctx.value(keys.get(3)), "a null binding shadows the outer one in the index too");
    assertEquals(500, ctx.value(keys.get(5)), "the nearest binding wins");
    for (int i = 0; i < keys.size(); i++) {
      if (i != 3 && i != 5) {
        assertEquals(i, ctx.value(keys.get(i)));
      }
    }
    assertNull(ctx.value(missing));
    assertEquals(4, ((Node) ctx).parent.parent.value(keys.get(4)), "ancestors still walk");
  }

  @Test
  void s14_anIndexStopsAtAnIndexedAncestorAndCopiesIt() {
    List<Key<Integer>> keys = keys(60);
    Context mid = chainOfValues(keys.subList(0, 30));
    for (int i = 0; i < 2; i++) {
      assertEquals(0, mid.value(keys.get(0))); // builds mid's table
    }
    Object[] midTable = ((ValueNode) mid).table();
    assertNotNull(midTable);
    Context leaf = mid;
    for (int i = 30; i < 60; i++) {
      leaf = leaf.withValue(keys.get(i), i);
    }
    leaf = leaf.withValue(keys.get(1), -1);
    for (int i = 0; i < 2; i++) {
      assertEquals(-1, leaf.value(keys.get(1)));
      assertEquals(0, leaf.value(keys.get(0))); // found through mid's table, after a long walk
    }
    assertNotNull(((ValueNode) leaf).table());
    assertSame(midTable, ((ValueNode) mid).table(), "the ancestor's table is shared, not rebuilt");
    assertEquals(-1, leaf.value(keys.get(1)));
    for (int i = 2; i < 60; i++) {
      assertEquals(i, leaf.value(keys.get(i)));
    }
  }

  @Test
  void s14_theFilterSeesThroughShortNonValueRunsAndGivesUpOnLongOnes() {
    Key<String> a = Key.named("a");
    Context base = Context.background().withValue(a, "A");
    CancellableContext c = base.withCancel();
    Context near = c.withoutCancel().withValue(Key.named("b"), "B");
    assertEquals(((ValueNode) base).keys | ((ValueNode) near).key.bit, ((ValueNode) near).keys);

    Context far = base;
    List<CancellableContext> owned = new ArrayList<>();
    for (int i = 0; i <= ValueNode.FILTER_HOPS; i++) {
      CancellableContext cc = far.withCancel();
      owned.add(cc);
      far = cc;
    }
    Context beyond = far.withValue(Key.named("c"), "C");
    assertEquals(ValueNode.ALL_KEYS, ((ValueNode) beyond).keys, "not followed: every key may be");
    assertEquals("A", beyond.value(a));
    assertNull(beyond.value(Key.named("d")));
    owned.forEach(CancellableContext::cancel);
    c.cancel();
  }

  @Test
  void s14_aKeyWhoseBitIsClearIsAnsweredByTheFilter() {
    // Keys made one after another get distinct bits (Fibonacci hashing spreads them).
    Set<Long> bits = new HashSet<>();
    List<Key<Integer>> keys = keys(20);
    for (Key<Integer> k : keys) {
      assertEquals(1, Long.bitCount(k.bit));
      bits.add(k.bit);
    }
    assertEquals(20, bits.size(), "20 consecutive keys, 20 bits");
    Context ctx = chainOfValues(keys.subList(0, 10));
    ValueNode leaf = (ValueNode) ctx;
    for (Key<Integer> k : keys.subList(10, 20)) {
      assertEquals(0, leaf.keys & k.bit);
      assertNull(ctx.value(k));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(i, ctx.value(keys.get(i)));
    }
  }

  @Test
  void s16_aValueNodeKeepsItsScopesDeadline() {
    CancellableContext timed = Context.background().withTimeout(Duration.ofSeconds(3));
    Context v =
        timed.withValue(Key.named("k"), 1).withCancel().readOnly().withValue(Key.named("j"), 2);
    assertSame(timed.deadline().orElseThrow(), v.deadline().orElseThrow());
    assertTrue(timed.withoutCancel().withValue(Key.named("k"), 1).deadline().isEmpty());
    timed.cancel();
  }

  /**
   * Threads race to make the first lookups on fresh chains (so to mark nodes and build and publish
   * their tables at once); every answer, during and after, is the reference map's.
   */
  @Test
  void s14_concurrentFirstLookupsAgree() throws Exception {
    SplittableRandom seeds = new SplittableRandom(SEED);
    int threads = 4;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try {
      for (int round = 0; round < 100 && failure.get() == null; round++) {
        SplittableRandom r = seeds.split();
        List<Key<Integer>> keys = keys(1 + r.nextInt(100));
        Chain c = randomChain(r, keys, 20 + r.nextInt(100));
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          SplittableRandom mine = r.split();
          ts.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          start.await();
                          for (int i = 0; i < 2000; i++) {
                            int at = c.contexts.size() - 1 - mine.nextInt(4); // near the leaf
                            at = Math.max(0, at);
                            Key<Integer> k = keys.get(mine.nextInt(keys.size()));
                            Object got = c.contexts.get(at).value(k);
                            Object want = c.expected.get(at).get(k);
                            if (!Objects.equals(got, want)) {
                              throw new AssertionError(
                                  k + " at " + at + ": " + got + " != " + want);
                            }
                          }
                        } catch (Throwable e) {
                          failure.compareAndSet(null, e);
                        }
                      }));
        }
        for (Thread t : ts) {
          t.join();
        }
        c.owned.forEach(CancellableContext::cancel);
      }
    } finally {
      if (failure.get() != null) {
        fail("seed " + SEED + " (rerun with -Dctx4j.seed=" + SEED + ")", failure.get());
      }
    }
  }

  /**
   * A long chain over a few keys, looked up level by level, builds a table every few levels, each
   * copying the one above: every table is sized by the keys it holds, not by the capacity of the
   * table it copies (which doubled at each level and ran out of memory on long chains).
   */
  @Test
  void s14_chainedTablesStaySizedByTheirKeys() {
    Key<Integer> far = Key.named("far");
    List<Key<Integer>> near = keys(7);
    Context ctx = Context.background().withValue(far, -1);
    List<ValueNode> levels = new java.util.ArrayList<>();
    for (int i = 0; i < 240; i++) {
      ctx = ctx.withValue(near.get(i % near.size()), i);
      levels.add((ValueNode) ctx);
    }
    int tables = 0;
    for (ValueNode v : levels) {
      assertEquals(-1, v.value(far)); // twice: the second long walk builds the index
      assertEquals(-1, v.value(far));
      Object[] t = v.table();
      if (t != null) {
        tables++;
        assertTrue(t.length <= 4 * 2 * 8, "8 keys in a table of " + t.length + " slots");
      }
    }
    assertTrue(tables >= 20, "tables chained on tables: " + tables);
  }

  /** The table holds exactly the nearest binding of every key on the path. */
  @Test
  void s14_aBuiltTableHoldsTheNearestBindingOfEveryKeyAndNothingElse() {
    SplittableRandom r = new SplittableRandom(SEED);
    try {
      for (int round = 0; round < 100; round++) {
        List<Key<Integer>> keys = keys(1 + r.nextInt(80));
        Chain c = randomChain(r, keys, 1 + r.nextInt(150));
        for (int at = 0; at < c.contexts.size(); at++) {
          if (c.contexts.get(at) instanceof ValueNode v) {
            Object[] t = v.build();
            IdentityHashMap<Object, Object> inTable = new IdentityHashMap<>();
            int used = 0;
            for (int i = 0; i < t.length; i += 2) {
              if (t[i] != null) {
                used++;
                assertNull(inTable.put(t[i], t[i + 1]), "a key twice in one table");
              }
            }
            assertTrue(used * 2 <= t.length / 2, "at most half full: " + used + " of " + t.length);
            Map<Key<?>, Object> want = c.expected.get(at);
            assertEquals(want.size(), inTable.size());
            for (Map.Entry<Key<?>, Object> e : want.entrySet()) {
              assertTrue(inTable.containsKey(e.getKey()));
              assertEquals(e.getValue(), inTable.get(e.getKey()));
              assertEquals(e.getValue(), ValueNode.probe(t, e.getKey()));
            }
          }
        }
        c.owned.forEach(CancellableContext::cancel);
      }
    } catch (AssertionError | OutOfMemoryError e) {
      throw new AssertionError("seed " + SEED + " (rerun with -Dctx4j.seed=" + SEED + ")", e);
    }
  }
}
