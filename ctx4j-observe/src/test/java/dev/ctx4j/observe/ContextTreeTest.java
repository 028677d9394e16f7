package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Node;
import dev.ctx4j.observe.ContextTree.Snapshot;
import dev.ctx4j.observe.ContextTree.State;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live tree and the chains, recorded by core with tracing on. */
class ContextTreeTest {
  private static final Key<String> USER = Key.named("user");
  private static final Key<String> SECRET = Key.named("secret");

  @BeforeEach
  void on() {
    ContextTree.enable();
    ContextTree.allSites(true);
    ContextTree.displayable(USER);
  }

  private static Node only(Snapshot s) {
    assertEquals(1, s.roots().size(), () -> Render.text(s));
    assertEquals("Context.background", s.roots().get(0).segment());
    assertEquals(1, s.roots().get(0).children().size(), () -> Render.text(s));
    return s.roots().get(0).children().get(0);
  }

  @Test
  void snapshot_tracedTree_kindsSitesDeadlinesAndWaiters() throws Exception {
    long mark = ContextTree.mark();
    int line = Lines.here() + 1;
    CancellableContext request = Context.background().withCancel();
    CancellableContext call = request.withTimeout(Duration.ofHours(1));
    Context user = call.withValue(USER, "alice");
    Thread waiter = Thread.ofPlatform().name("parked-worker").start(() -> awaitQuietly(call));
    try {
      Lines.awaitTrue(
          "worker parked", () -> !dev.ctx4j.internal.Trace.waitersOf(call).isEmpty(), 10);
      Node req = only(ContextTree.liveSince(mark));
      assertEquals("withCancel", req.segment());
      assertEquals(State.LIVE, req.state());
      assertTrue(
          req.site().endsWith("ContextTreeTest.java:" + line + ")"), () -> "site: " + req.site());
      Node timed = req.children().get(0);
      assertEquals("withTimeout(1h0m0s)", timed.segment());
      assertTrue(timed.remaining().compareTo(Duration.ofMinutes(59)) > 0);
      assertEquals(List.of("parked-worker"), timed.waiters());
      assertEquals(List.of(), timed.children(), "a value context with nothing below: not shown");
      assertEquals("alice", user.value(USER));
    } finally {
      request.cancel();
      waiter.join();
    }
    assertEquals(0, ContextTree.liveSince(mark).live(), "cancelled contexts leave the tree");
  }

  @Test
  void cancel_tracedSubtree_chainHasOriginHopsAndWokenThreads() throws Exception {
    CancellableContext request = Context.background().withCancel();
    CancellableContext call = request.withTimeout(Duration.ofHours(1));
    CancellableContext inner = call.withValue(USER, "bob").withCancel();
    CancellableContext sibling = request.withCancel();
    Thread waiter = Thread.ofPlatform().name("woken-worker").start(() -> awaitQuietly(inner));
    Lines.awaitTrue(
        "worker parked", () -> !dev.ctx4j.internal.Trace.waitersOf(inner).isEmpty(), 10);
    int line = Lines.here() + 1;
    request.cancel(new IllegalStateException("client hung up"));
    waiter.join();
    Chain c = ContextTree.chains().get(0);
    assertEquals(request.toString(), c.origin());
    assertEquals(Thread.currentThread().getName(), c.thread());
    assertTrue(c.site().endsWith("ContextTreeTest.java:" + line + ")"), c.site());
    assertEquals(State.CANCELLED, c.state());
    assertEquals("java.lang.IllegalStateException: client hung up", c.cause());
    assertEquals(3, c.descendants());
    assertEquals(4, c.hops().size());
    assertEquals(-1, c.hops().get(0).parent());
    assertEquals("withCancel", c.hops().get(0).segment());
    var reached = c.hops().stream().map(h -> h.segment()).sorted().toList();
    assertEquals(List.of("withCancel", "withCancel", "withCancel", "withTimeout(1h0m0s)"), reached);
    var innerHop =
        c.hops().stream().filter(h -> h.woken().contains("woken-worker")).findFirst().orElseThrow();
    assertEquals("withCancel", innerHop.segment());
    assertEquals("withTimeout(1h0m0s)", c.hops().get(innerHop.parent()).segment());
    long last = -1;
    for (var h : c.hops()) {
      assertTrue(h.offsetNanos() >= last, "offsets grow in walk order");
      last = h.offsetNanos();
    }
    assertTrue(sibling.isDone());
  }

  @Test
  void expiry_tracedTimeout_chainIsDeadlineExceededWithoutSite() throws Exception {
    CancellableContext t = Context.background().withTimeout(Duration.ofMillis(5));
    String origin = t.toString();
    t.await();
    Lines.awaitTrue(
        "expiry chain",
        () -> ContextTree.chains().stream().anyMatch(c -> c.origin().equals(origin)),
        10);
    Chain c =
        ContextTree.chains().stream().filter(x -> x.origin().equals(origin)).findFirst().get();
    assertEquals(State.DEADLINE_EXCEEDED, c.state());
    assertEquals("", c.site());
    assertEquals("DeadlineExceededException", c.cause());
  }

  @Test
  void renderers_undeclaredKey_valueNeverShown() {
    long mark = ContextTree.mark();
    try (CancellableContext root = Context.background().withCancel()) {
      Context shown = root.withValue(SECRET, "hunter2").withValue(USER, "carol");
      var below = shown.withCancel(); // value contexts are shown on the path to a traced one
      Snapshot s = ContextTree.liveSince(mark);
      for (String out :
          List.of(
              Render.text(s), Render.json(s), Render.dot(s), Render.mermaid(s), Render.html(s))) {
        assertFalse(out.contains("hunter2"), out);
        assertTrue(out.contains("withValue(secret)"), out);
        assertTrue(out.contains("carol"), out);
      }
      assertEquals("carol", shown.value(USER));
    }
  }

  @Test
  void valueContexts_shownOnlyOnThePathToALiveCancellable_viewsSkipped() {
    long mark = ContextTree.mark();
    try (CancellableContext request = Context.background().withCancel()) {
      Context user = request.withValue(USER, "dave");
      Context leaf = request.withValue(SECRET, "s3cret"); // nothing below: not shown
      Context detached = user.withoutCancel();
      CancellableContext job = detached.withCancel(); // a top: its parent can never be done
      CancellableContext viaView = request.readOnly().withCancel();
      Snapshot s = ContextTree.liveSince(mark);
      Node req = only(s);
      List<String> under = req.children().stream().map(Node::segment).toList();
      assertEquals(List.of("withValue(user)=dave", "withCancel"), under, () -> Render.text(s));
      Node userNode = req.children().get(0);
      assertEquals(null, userNode.age(), "value contexts have no recorded age");
      Node detachedNode = userNode.children().get(0);
      assertEquals("withoutCancel", detachedNode.segment());
      assertEquals("withCancel", detachedNode.children().get(0).segment());
      assertEquals(5, s.live(), "3 cancellable contexts and the 2 on a path");
      assertFalse(Render.text(s).contains("secret"), Render.text(s));
      assertTrue(Render.json(s).contains("\"ageNanos\":null"), Render.json(s));
      job.cancel();
      viaView.cancel();
      assertEquals(1, ContextTree.liveSince(mark).live(), "paths go with their contexts");
      assertEquals("s3cret", leaf.value(SECRET));
    }
  }

  @Test
  void tracingOff_newContexts_notRecorded() {
    Tracing.off();
    try {
      long mark = ContextTree.mark();
      try (CancellableContext c = Context.background().withCancel()) {
        assertEquals(0, ContextTree.liveSince(mark).live());
        assertFalse(c.isDone());
      }
    } finally {
      Tracing.on();
    }
  }

  @Test
  void snapshot_limit_cutsNodesAndCountsTheRest() {
    long mark = ContextTree.mark();
    try (CancellableContext root = Context.background().withCancel()) {
      for (int i = 0; i < 50; i++) {
        var unused = root.withCancel();
      }
      Snapshot s = ContextTree.snapshot(10);
      int shown = 0;
      for (Node r : s.roots()) {
        shown += r.size();
      }
      assertTrue(shown <= 10, "shown " + shown);
      assertTrue(s.omitted() >= 41, "omitted " + s.omitted());
      assertEquals(51, ContextTree.liveSince(mark).live());
    }
  }

  @Test
  void snapshot_badLimit_rejectedNamingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> ContextTree.snapshot(0));
    assertTrue(e.getMessage().contains("maxNodes"));
    var n = assertThrows(NullPointerException.class, () -> ContextTree.displayable(null));
    assertTrue(n.getMessage().contains("key"));
  }

  private static void awaitQuietly(Context c) {
    try {
      c.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
