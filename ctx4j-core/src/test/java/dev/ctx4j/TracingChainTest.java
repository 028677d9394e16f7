package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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

  /** One chain as the sink saw it. */
  static final class Seen {
    final TraceSink.Start start;
    final List<TraceSink.Hop> hops = new CopyOnWriteArrayList<>();
    volatile boolean ended;

    Seen(TraceSink.Start start) {
      this.start = start;
    }

    List<TraceSink.Hop> walkHops() {
      return hops.stream().filter(h -> h.kind() != HopKind.WOKEN).toList();
    }
  }

  /** Returns a fresh object per context and records each chain. */
  static final class Capture implements TraceSink {
    final Map<Context, Object> kept = new IdentityHashMap<>();
    final Map<Context, Boolean> linked = new IdentityHashMap<>();
    final List<Seen> chains = new CopyOnWriteArrayList<>();
    final List<TraceSink.Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Object created(CancellableContext ctx, Context parent, boolean isLinked) {
      Object o = new Object();
      kept.put(ctx, o);
      linked.put(ctx, isLinked);
      return o;
    }

    @Override
    public Object began(Start start) {
      Seen s = new Seen(start);
      chains.add(s);
      return s;
    }

    @Override
    public void hop(Object chain, Hop hop) {
      ((Seen) chain).hops.add(hop);
    }

    @Override
    public void ended(Object chain, int hops, long walkNanos) {
      ((Seen) chain).ended = true;
    }

    @Override
    public void sent(Sent s) {
      sent.add(s);
    }
  }

  private TraceSink previous;
  private boolean wasOn;
  private final Capture capture = new Capture();

  @BeforeEach
  void install() {
    wasOn = Tracing.isOn();
    previous = Trace.install(capture);
    Tracing.on();
  }

  @AfterEach
  void restore() {
    Tracing.off();
    Trace.install(previous);
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
      assertTrue(Trace.attachment(top) == capture.kept.get(top));
      assertTrue(Trace.attachment(child) == capture.kept.get(child));
      assertEquals(null, Trace.attachment(untraced));
      assertEquals(null, Trace.attachment(value));
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
    assertTrue(capture.chains.get(0).ended);
    List<TraceSink.Hop> hops = capture.chains.get(0).walkHops();
    assertTrue(hops.get(0).context() == root);
    assertEquals(HopKind.CANCELLED, hops.get(0).kind());
    assertEquals(-1, hops.get(0).parent());
    long expected = all.stream().filter(c -> !isUnder(c, ended)).count();
    assertEquals(expected, hops.size(), "every context not already done is a hop");
    for (int i = 1; i < hops.size(); i++) {
      TraceSink.Hop h = hops.get(i);
      assertEquals(HopKind.REACHED, h.kind());
      int p = h.parent();
      TraceSink.Hop parent =
          hops.stream().filter(x -> x.index() == p).findFirst().orElseThrow(AssertionError::new);
      assertTrue(p < h.index(), "hop " + i + " names an earlier hop: " + p);
      assertTrue(
          parent.context() == scopeAbove(h.context()),
          () -> "hop " + h.context() + " names " + parent.context());
    }
  }

  /** The nearest cancellable context above {@code c}. */
  private static Context scopeAbove(Context c) {
    Context p = Trace.parentOf(c).orElseThrow();
    while (!Trace.isCancellable(p)) {
      p = Trace.parentOf(p).orElseThrow();
    }
    return p;
  }

  @SuppressWarnings("ReferenceEquality") // ancestry is identity
  private static boolean isUnder(Context c, Context ancestor) {
    for (Context x = c; x != null; x = Trace.parentOf(x).orElse(null)) {
      if (x == ancestor) {
        return true;
      }
    }
    return false;
  }

  @Test
  void hops_wokenThreadIsAHopOfItsScope_namedNeverBlank() throws Exception {
    CancellableContext root = Context.background().withCancel();
    CountDownLatch parked = new CountDownLatch(1);
    Thread waiter =
        Thread.ofVirtual()
            .unstarted(
                () -> {
                  parked.countDown();
                  try {
                    root.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    waiter.start();
    parked.await();
    while (Trace.waitersOf(root).isEmpty()) {
      Thread.onSpinWait(); // the waiter registers right after counting down
    }
    root.cancel(new IllegalStateException("stop"));
    waiter.join();
    Seen seen = capture.chains.get(capture.chains.size() - 1);
    TraceSink.Hop woken =
        seen.hops.stream().filter(h -> h.kind() == HopKind.WOKEN).findFirst().orElseThrow();
    assertEquals(0, woken.parent());
    assertEquals("virtual#" + waiter.threadId(), woken.thread());
    assertEquals("stop", seen.start.cause().getMessage());
  }

  @Test
  void stopped_isAHopOfTheChainThatEndedTheScope_evenAfterTheWalk() {
    CancellableContext root = Context.background().withCancel();
    Context work = root.withValue(K, 1);
    Trace.stopped(work, HopKind.QUERY_STOPPED, Trace.DATABASE, "live: ignored");
    assertEquals(0, capture.chains.size(), "a live scope has no chain");
    root.cancel(new IllegalStateException("stop"));
    Trace.stopped(work, HopKind.QUERY_STOPPED, Trace.DATABASE, "SELECT 1");
    Seen seen = capture.chains.get(0);
    assertTrue(seen.ended);
    TraceSink.Hop h = seen.hops.get(seen.hops.size() - 1);
    assertEquals(HopKind.QUERY_STOPPED, h.kind());
    assertTrue(h.context() == root);
    assertEquals(Trace.ref(root), h.ref());
    assertEquals(Trace.DATABASE, h.lane());
    assertEquals("SELECT 1", h.detail());
    assertTrue(h.offsetNanos() >= 0);
  }

  @Test
  void stopped_untracedChain_recordsNothing() {
    Tracing.off();
    CancellableContext root = Context.background().withCancel();
    root.cancel();
    Tracing.on();
    Trace.stopped(root, HopKind.EXCHANGE_ABORTED, "", "");
    assertEquals(0, capture.chains.size());
  }

  @Test
  void received_remoteParentReachesTheChainsBegunBelowIt_andSentNamesIt() {
    CancellableContext request =
        Context.background().withValue(Trace.SERVICE, "orders").withCancel();
    Object attachment = Trace.attachment(request);
    Trace.received(request, "up.1f", "GET /order");
    assertTrue(Trace.attachment(request) == attachment, "the sink's attachment is unchanged");
    CancellableContext call = request.withTimeout(Duration.ofHours(1));
    String ref = Trace.sent(call, "GET /stock");
    assertEquals(Trace.ref(call), ref);
    assertTrue(ref.startsWith(Trace.processTag() + "."), ref);
    TraceSink.Sent sent = capture.sent.get(0);
    assertEquals("orders", sent.service());
    assertEquals("up.1f", sent.remoteParent());
    call.cancel(new IllegalStateException("x"));
    Seen seen = capture.chains.get(0);
    assertEquals("up.1f", seen.start.remoteParent());
    assertEquals("GET /order", seen.start.request());
    assertEquals("orders", seen.start.service());
    request.cancel();
    TraceSink.Hop origin = capture.chains.get(1).hops.get(0);
    assertEquals("up.1f", origin.remoteParent());
  }

  @Test
  void received_hostileValuesAreClipped_nullRefKeepsTheRequest() {
    CancellableContext plain = Context.background().withCancel();
    Trace.received(plain, null, "GET /");
    plain.cancel();
    assertEquals(null, capture.chains.get(0).start.remoteParent());
    assertEquals("GET /", capture.chains.get(0).start.request());
    capture.chains.clear();
    CancellableContext request = Context.background().withCancel();
    Trace.received(request, "x".repeat(10_000), "y".repeat(10_000));
    request.cancel();
    TraceSink.Start s = capture.chains.get(0).start;
    assertEquals(TraceAccess.MAX_TEXT, s.remoteParent().length());
    assertEquals(TraceAccess.MAX_TEXT, s.request().length());
  }

  @Test
  void threadName_neverBlank_virtualMarkedWithItsId() {
    Thread blank = new Thread(() -> {}, "");
    assertEquals("thread#" + blank.threadId(), Trace.threadName(blank));
    Thread v = Thread.ofVirtual().name("w").unstarted(() -> {});
    assertEquals("w (virtual#" + v.threadId() + ")", Trace.threadName(v));
  }

  @Test
  void userSite_skipsCtx4jAndRuntimeFrames() {
    assertTrue(TraceAccess.isLibraryClass("dev.ctx4j.http.RequestContextHandler"));
    assertTrue(TraceAccess.isLibraryClass("dev.ctx4j.CancelNode"));
    assertTrue(TraceAccess.isLibraryClass("org.eclipse.jetty.server.Server"));
    assertTrue(!TraceAccess.isLibraryClass("com.example.Checkout"));
    assertTrue(!TraceAccess.isLibraryClass("dev.ctx4j.cli.DemoServices"));
  }

  @Test
  void callInterruptibly_theInterruptIsAHop() throws Exception {
    CancellableContext root = Context.background().withCancel();
    CountDownLatch inside = new CountDownLatch(1);
    Thread worker =
        Thread.ofPlatform()
            .name("ctx4j-test-interrupted")
            .start(
                () -> {
                  try {
                    root.callInterruptibly(
                        () -> {
                          inside.countDown();
                          Thread.sleep(60_000);
                          return null;
                        });
                  } catch (Exception expected) {
                    // interrupted, as the test wants
                  }
                });
    inside.await();
    root.cancel(new IllegalStateException("stop"));
    worker.join();
    Seen seen = capture.chains.get(0);
    TraceSink.Hop h = awaitHop(seen, HopKind.INTERRUPTED);
    assertEquals("ctx4j-test-interrupted", h.detail());
    assertTrue(h.context() == root);
  }

  @Test
  void taskGroup_firstFailureCancellingSiblingsIsAHop() throws Exception {
    CancellableContext root = Context.background().withCancel();
    try (TaskGroup g = TaskGroup.open(root)) {
      g.fork( // forked first: the failing task may end the group before a later fork
          ctx -> {
            ctx.await();
            return null;
          });
      g.fork(
          ctx -> {
            throw new java.io.IOException("branch failed");
          });
      assertThrows(java.util.concurrent.ExecutionException.class, g::join);
    } finally {
      root.cancel();
    }
    Seen seen =
        capture.chains.stream()
            .filter(c -> c.start.cause() instanceof java.io.IOException)
            .findFirst()
            .orElseThrow();
    TraceSink.Hop h = awaitHop(seen, HopKind.SIBLINGS_CANCELLED);
    assertEquals("java.io.IOException: branch failed", h.detail());
    assertEquals(0, h.parent() + 1, "reported as a step of the group's cancel, parent by context");
    assertTrue(h.context() == seen.start.origin());
  }

  /** The interrupt is delivered from a callback thread: wait (bounded) until its hop is there. */
  private static TraceSink.Hop awaitHop(Seen seen, HopKind kind) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end) {
      for (TraceSink.Hop h : seen.hops) {
        if (h.kind() == kind) {
          return h;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no " + kind + " hop in " + seen.hops);
  }
}
