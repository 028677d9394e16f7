package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What core hands a tracing sink: a stamp kept with each traced cancellable context, and a chain
 * per cancel whose hops each name the hop that reached them. Checked on random trees (the seed is
 * printed on failure; rerun one with {@code -Dctx4j.seed=N}).
 */
@ExtendWith(CoreInvariants.class)
class TracingChainTest {
  private static final Key<Integer> K = Key.named("k");

  /** Returns a fresh object per context and records each chain. */
  static final class Capture implements Tracing.Sink {
    final Map<Context, Object> kept = new IdentityHashMap<>();
    final Map<Context, Boolean> linked = new IdentityHashMap<>();
    final List<Tracing.Chain> chains = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Object created(CancellableContext ctx, Context parent, boolean isLinked) {
      Object o = new Object();
      kept.put(ctx, o);
      linked.put(ctx, isLinked);
      return o;
    }

    @Override
    public void cancelled(Tracing.Chain chain) {
      chains.add(chain);
    }
  }

  private Tracing.Sink previous;
  private boolean wasOn;
  private final Capture capture = new Capture();

  @BeforeEach
  void install() {
    wasOn = Tracing.isOn();
    previous = Tracing.install(capture);
    Tracing.on();
  }

  @AfterEach
  void restore() {
    Tracing.off();
    Tracing.install(previous);
    if (wasOn) {
      Tracing.on();
    }
  }

  @Test
  void created_sinksObjectKept_linkedOnlyUnderATracedScope_valuesNotReported() {
    Tracing.off();
    CancellableContext untraced = Context.background().withCancel();
    Tracing.on();
    try (CancellableContext top = Context.background().withCancel()) {
      CancellableContext child = top.withValue(K, 1).withTimeout(Duration.ofHours(1));
      CancellableContext underUntraced = untraced.withCancel();
      Context value = child.withValue(K, 2);
      assertTrue(Tracing.attachment(top) == capture.kept.get(top));
      assertTrue(Tracing.attachment(child) == capture.kept.get(child));
      assertEquals(null, Tracing.attachment(untraced));
      assertEquals(null, Tracing.attachment(value));
      assertEquals(false, capture.linked.get(top), "background's children register nowhere");
      assertEquals(true, capture.linked.get(child), "registered with a traced scope");
      assertEquals(false, capture.linked.get(underUntraced), "its scope was created untraced");
      assertEquals(3, capture.kept.size(), "value contexts are not reported");
    } finally {
      untraced.cancel();
    }
  }

  @Test
  void chain_randomTrees_everyHopNamesTheHopOfItsScope() {
    long base = Long.getLong("ctx4j.seed", System.nanoTime());
    for (int round = 0; round < 50; round++) {
      long seed = base + round;
      try {
        checkOneTree(new SplittableRandom(seed));
      } catch (Throwable t) {
        throw new AssertionError("round failed; rerun with -Dctx4j.seed=" + seed, t);
      }
    }
  }

  private void checkOneTree(SplittableRandom random) {
    CancellableContext root = Context.background().withCancel();
    List<CancellableContext> all = new ArrayList<>(List.of(root));
    int n = 1 + random.nextInt(200);
    for (int i = 0; i < n; i++) {
      Context from = all.get(random.nextInt(all.size()));
      if (random.nextInt(3) == 0) {
        from = from.withValue(K, i);
      }
      all.add(random.nextBoolean() ? from.withCancel() : from.withTimeout(Duration.ofHours(1)));
    }
    CancellableContext ended = all.get(1 + random.nextInt(all.size() - 1));
    ended.cancel(); // an earlier cancel: its subtree is not reached again
    capture.chains.clear();
    root.cancel();
    assertEquals(1, capture.chains.size());
    List<Tracing.Hop> hops = capture.chains.get(0).hops();
    assertTrue(hops.get(0).context() == root);
    assertEquals(-1, hops.get(0).parentHop());
    long expected = all.stream().filter(c -> !isUnder(c, ended)).count();
    assertEquals(expected, hops.size(), "every context not already done is a hop");
    for (int i = 1; i < hops.size(); i++) {
      Tracing.Hop h = hops.get(i);
      int p = h.parentHop();
      assertTrue(p >= 0 && p < i, "hop " + i + " names an earlier hop: " + p);
      assertTrue(
          hops.get(p).context() == scopeAbove(h.context()),
          () -> "hop " + h.context() + " names " + hops.get(p).context());
    }
  }

  /** The nearest cancellable context above {@code c}. */
  private static Context scopeAbove(Context c) {
    Context p = Tracing.parentOf(c).orElseThrow();
    while (!Tracing.isCancellable(p)) {
      p = Tracing.parentOf(p).orElseThrow();
    }
    return p;
  }

  @SuppressWarnings("ReferenceEquality") // ancestry is identity
  private static boolean isUnder(Context c, Context ancestor) {
    for (Context x = c; x != null; x = Tracing.parentOf(x).orElse(null)) {
      if (x == ancestor) {
        return true;
      }
    }
    return false;
  }
}
