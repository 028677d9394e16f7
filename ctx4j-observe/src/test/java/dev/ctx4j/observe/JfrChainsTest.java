package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chains recorded as JFR events in-process and read back from the file. */
class JfrChainsTest {
  @TempDir Path dir;

  @BeforeEach
  void on() {
    ContextTree.enable();
  }

  @Test
  void read_recordedCancel_sameChainAsLive() throws Exception {
    Path file = dir.resolve("cancel.jfr");
    CancellableContext root;
    int line;
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.start();
      root = Context.background().withCancel();
      CancellableContext child = root.withTimeout(Duration.ofHours(1));
      Thread t = Thread.ofPlatform().name("jfr-worker").start(() -> awaitQuietly(child));
      Lines.awaitTrue(
          "worker parked", () -> !dev.ctx4j.internal.Trace.waitersOf(child).isEmpty(), 10);
      line = Lines.here() + 1;
      root.cancel(new IllegalStateException("stop"));
      t.join();
      r.stop();
      r.dump(file);
    }
    List<Chain> chains = JfrChains.read(file);
    assertEquals(1, chains.size());
    Chain c = chains.get(0);
    assertEquals(root.toString(), c.origin());
    assertTrue(c.site().endsWith("JfrChainsTest.java:" + line + ")"), c.site());
    assertEquals(State.CANCELLED, c.state());
    assertEquals("java.lang.IllegalStateException: stop", c.cause());
    assertEquals(1, c.descendants());
    assertEquals(2, c.hops().size());
    assertEquals("withTimeout(1h0m0s)", c.hops().get(1).segment());
    assertEquals(0, c.hops().get(1).parent());
    assertEquals(List.of("jfr-worker"), c.hops().get(1).woken());
    Chain live =
        ContextTree.chains().stream()
            .filter(x -> x.origin().equals(c.origin()) && x.site().equals(c.site()))
            .findFirst()
            .orElseThrow();
    assertEquals(live.hops(), c.hops());
    assertEquals(live.durationNanos(), c.durationNanos());
    String text = Render.chainsText(chains);
    assertTrue(text.contains("└── withTimeout(1h0m0s)  +"), text);
    assertTrue(text.contains("IllegalStateException: stop · "), text);
    assertTrue(text.contains("woke jfr-worker"), text);
  }

  @Test
  void longAwait_overThreshold_recordedAsEvent() throws Exception {
    Path file = dir.resolve("await.jfr");
    Duration before = Tracing.longAwaitThreshold();
    Tracing.longAwaitThreshold(Duration.ZERO);
    try (Recording r = new Recording();
        CancellableContext c = Context.background().withCancel()) {
      r.enable("ctx4j.LongAwait");
      r.start();
      assertEquals(false, c.await(Duration.ofMillis(2)));
      r.stop();
      r.dump(file);
    } finally {
      Tracing.longAwaitThreshold(before);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("ctx4j.LongAwait"))
            .toList();
    assertEquals(1, events.size());
    assertEquals("Context.background.withCancel", events.get(0).getString("context"));
    assertTrue(events.get(0).getLong("parked") >= Duration.ofMillis(2).toNanos());
  }

  @Test
  void read_notARecording_throwsIoException() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.jfr"), "not a recording");
    assertThrows(java.io.IOException.class, () -> JfrChains.read(junk));
    var e = assertThrows(NullPointerException.class, () -> JfrChains.read(null));
    assertTrue(e.getMessage().contains("recording"));
  }

  @Test
  void threshold_negative_rejectedNamingIt() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Tracing.longAwaitThreshold(Duration.ofNanos(-1)));
    assertTrue(e.getMessage().contains("threshold"));
  }

  private static void awaitQuietly(Context c) {
    try {
      c.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void read_twoRecordings_chainOfTheCalleeJoinsTheCallersAbort() throws Exception {
    Path up = dir.resolve("up.jfr");
    Path down = dir.resolve("down.jfr");
    CancellableContext caller =
        Context.background().withValue(ContextTree.SERVICE, "up").withCancel();
    CancellableContext callee =
        Context.background().withValue(ContextTree.SERVICE, "down").withCancel();
    String ref = dev.ctx4j.internal.Trace.sent(caller, "GET /work");
    dev.ctx4j.internal.Trace.received(callee, ref, "GET /work");
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.start();
      caller.cancel(new IllegalStateException("caller gave up"));
      dev.ctx4j.internal.Trace.stopped(
          caller, dev.ctx4j.internal.HopKind.EXCHANGE_ABORTED, "", "GET /work");
      r.stop();
      r.dump(up);
    }
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.start();
      callee.cancel(new IllegalStateException("the caller left"));
      r.stop();
      r.dump(down);
    }
    assertEquals(2, JfrChains.read(up).size() + JfrChains.read(down).size(), "one in each");
    List<Chain> merged = JfrChains.read(List.of(down, up), false);
    assertEquals(1, merged.size(), "the callee's chain joins the caller's");
    Chain c = merged.get(0);
    assertEquals(List.of("up", "down"), c.services());
    assertEquals("exchange aborted", c.hops().get(1).kind());
    assertEquals("cancelled", c.hops().get(2).kind());
    assertEquals("down", c.hops().get(2).service());
    assertEquals(1, c.hops().get(2).parent(), "joined under the aborted exchange");
    assertTrue(c.hops().get(2).offsetNanos() >= c.hops().get(0).offsetNanos());
  }

  @Test
  void read_traceparentCarried_calleeJoinsTheCallersAbortThroughIt() throws Exception {
    Path up = dir.resolve("up-w3c.jfr");
    Path down = dir.resolve("down-w3c.jfr");
    String via =
        dev.ctx4j.internal.Trace.traceparent(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    CancellableContext caller =
        Context.background().withValue(ContextTree.SERVICE, "up").withCancel();
    CancellableContext callee =
        Context.background().withValue(ContextTree.SERVICE, "down").withCancel();
    dev.ctx4j.internal.Trace.received(callee, via, "GET /work");
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.enable("ctx4j.RequestSent");
      r.start();
      dev.ctx4j.internal.Trace.sent(caller, "GET /work", via); // no ctx4j ref crosses
      caller.cancel(new IllegalStateException("caller gave up"));
      dev.ctx4j.internal.Trace.stopped(
          caller, dev.ctx4j.internal.HopKind.EXCHANGE_ABORTED, "", "GET /work");
      r.stop();
      r.dump(up);
    }
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.start();
      callee.cancel(new IllegalStateException("the caller left"));
      r.stop();
      r.dump(down);
    }
    List<Chain> merged = JfrChains.read(List.of(down, up), false);
    assertEquals(1, merged.size(), "the callee's chain joins the caller's through the traceparent");
    Chain c = merged.get(0);
    assertEquals(List.of("up", "down"), c.services());
    Hop downHop = c.hops().stream().filter(h -> h.service().equals("down")).findFirst().get();
    assertEquals("exchange aborted", c.hops().get(downHop.parent()).kind(), "under the abort");
  }
}
