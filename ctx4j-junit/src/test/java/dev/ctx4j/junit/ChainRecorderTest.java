package dev.ctx4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Tracing;
import dev.ctx4j.observe.ContextTree;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The chain assertions on real cancels: found when they happened, a clear failure otherwise. */
class ChainRecorderTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void cancelReachingAParkedThreadAndADescendant_isFoundAndReadable() throws Exception {
    boolean wasOn = Tracing.isOn();
    try (ChainRecorder chains = ChainRecorder.start();
        CancellableContext request = Context.background().withCancel()) {
      CancellableContext query = request.withTimeout(Duration.ofMinutes(1));
      CountDownLatch parked = new CountDownLatch(1);
      Thread worker =
          Thread.ofPlatform()
              .name("recorder-worker")
              .start(
                  () -> {
                    parked.countDown();
                    try {
                      query.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      parked.await();
      while (dev.ctx4j.internal.Trace.waitersOf(query).isEmpty()) {
        Thread.onSpinWait(); // until the worker is parked on the context, not just started
      }
      request.cancel(new IllegalStateException("client left"));
      worker.join();

      ContextTree.Chain c = chains.awaitThreadReached("recorder-worker", BOUND);
      assertEquals("IllegalStateException: client left", c.what());
      assertEquals(c, chains.awaitReached(query, BOUND));
      assertEquals(c, chains.awaitReached(request, BOUND));
      assertTrue(c.hops().size() >= 2, c.hops().toString());
      assertTrue(c.hops().stream().allMatch(h -> h.offsetNanos() >= 0), c.hops().toString());
      assertEquals(1, chains.chains().size());
    }
    assertEquals(wasOn, Tracing.isOn(), "tracing put back as it was");
  }

  @Test
  void readmeSample_printsWhatItSays() throws Exception {
    try (ChainRecorder chains = ChainRecorder.start();
        CancellableContext request = Context.background().withCancel()) {
      CancellableContext query = request.withTimeout(Duration.ofSeconds(30));
      request.cancel(new IllegalStateException("client left"));
      ContextTree.Chain c = chains.awaitReached(query, BOUND);
      assertEquals(
          "IllegalStateException: client left, 2 hops",
          c.what() + ", " + c.hops().size() + " hops");
    }
  }

  @Test
  void interruptedWork_isWorkStopped() throws Exception {
    try (ChainRecorder chains = ChainRecorder.start();
        CancellableContext ctx = Context.background().withCancel()) {
      CountDownLatch running = new CountDownLatch(1);
      Thread worker =
          Thread.ofPlatform()
              .start(
                  () ->
                      assertThrows(
                          ContextException.class,
                          () ->
                              ctx.callInterruptibly(
                                  () -> {
                                    running.countDown();
                                    new CountDownLatch(1).await(); // blocks until interrupted
                                    return null;
                                  })));
      running.await();
      ctx.cancel(new IllegalStateException("stop"));
      worker.join();
      ContextTree.Chain c = chains.awaitWorkStopped(BOUND);
      assertTrue(c.workStoppedNanos() >= 0);
      assertEquals(c, chains.awaitHop("thread interrupted", BOUND));
    }
  }

  @Test
  void nothingHappened_failsInTime_sayingWhatWasSeen() throws Exception {
    try (ChainRecorder chains = ChainRecorder.start()) {
      long start = System.nanoTime();
      AssertionError e =
          assertThrows(
              AssertionError.class, () -> chains.awaitHop("query stopped", Duration.ofMillis(200)));
      assertTrue(System.nanoTime() - start >= 200_000_000L, "waited the whole bound");
      assertTrue(e.getMessage().contains("no chain with a 'query stopped' hop"), e.getMessage());
      assertTrue(e.getMessage().contains("no chain began"), e.getMessage());
      assertThrows(NullPointerException.class, () -> chains.awaitHop(null, BOUND));
      assertThrows(AssertionError.class, () -> chains.awaitWorkStopped(Duration.ofSeconds(-5)));
      assertThrows(AssertionError.class, () -> chains.awaitWorkStopped(Duration.ZERO));
      assertThrows(NullPointerException.class, () -> chains.awaitReached(null, BOUND));
    }
  }

  @Test
  void anAbsurdlyLongBound_waitsUntilTheChainComes_withoutOverflow() throws Exception {
    try (ChainRecorder chains = ChainRecorder.start();
        CancellableContext ctx = Context.background().withCancel()) {
      ctx.cancel(new IllegalStateException("now"));
      ContextTree.Chain c = chains.awaitReached(ctx, Duration.ofSeconds(Long.MAX_VALUE));
      assertEquals("IllegalStateException: now", c.what());
    }
  }

  /** ADR 0141: a plain cancel's site is resolved for the first of each millisecond per thread. */
  @Test
  void plainCancelSite_sampled_aCauseAlwaysKeepsItsSite() throws Exception {
    long[] gapNanos = new long[1];
    try (ChainRecorder chains = ChainRecorder.start()) {
      Thread t =
          Thread.ofPlatform()
              .name("site-sampling")
              .start(
                  () -> {
                    long before = System.nanoTime();
                    Context.background().withCancel().cancel(); // the thread's first: resolved
                    Context.background().withCancel().cancel(); // within the millisecond: not
                    gapNanos[0] = System.nanoTime() - before; // bounds the two samplings' gap
                    Context.background().withCancel().cancel(new IllegalStateException("why"));
                  });
      t.join();
      List<ContextTree.Chain> mine =
          chains.chains().stream().filter(c -> c.thread().equals("site-sampling")).toList();
      assertEquals(3, mine.size(), mine::toString); // most recent first
      assertTrue(mine.get(0).site().startsWith("ChainRecorderTest."), mine.get(0).site());
      if (gapNanos[0] < 1_000_000L) {
        assertEquals("", mine.get(1).site(), "a second plain cancel within the millisecond");
      }
      assertTrue(mine.get(2).site().startsWith("ChainRecorderTest."), mine.get(2).site());
    }
  }

  @Test
  void chainsBeforeStart_areNotSeen() throws Exception {
    ContextTree.enable();
    Context.background().withCancel().cancel(new IllegalStateException("earlier"));
    try (ChainRecorder chains = ChainRecorder.start()) {
      assertTrue(chains.chains().isEmpty(), chains.chains().toString());
    }
  }
}
