package dev.ctx4j.junit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension run on planted test classes through JUnit's own engine. */
class ContextLeakCheckTest {
  static volatile CancellableContext held; // keeps the planted leak reachable
  static final CountDownLatch parked = new CountDownLatch(1);

  @ExtendWith(ContextLeakCheck.class)
  static class Planted {
    @Test
    void leaks() {
      held = Context.background().withTimeout(Duration.ofHours(1)).withCancel();
    }

    @Test
    void clean() {
      try (CancellableContext c = Context.background().withTimeout(Duration.ofHours(1))) {
        c.withCancel().cancel();
      }
    }

    @Test
    @AllowContextLeaks("testing the opt-out")
    void leaksButAllowed() {
      held = Context.background().withCancel();
    }

    @Test
    void leaksAParkedThread() throws Exception {
      CancellableContext c = Context.background().withCancel();
      held = c;
      Thread.ofVirtual()
          .name("stuck-worker")
          .start(
              () -> {
                parked.countDown();
                try {
                  c.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      parked.await();
      while (dev.ctx4j.internal.Trace.waitersOf(c).isEmpty()) {
        Thread.onSpinWait();
      }
    }

    @Test
    void onlyValues() {
      var unused = Context.background().withValue(dev.ctx4j.Key.named("k"), 1).withoutCancel();
    }
  }

  private static Events run(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(
            org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod(
                Planted.class, method))
        .execute()
        .testEvents();
  }

  @Test
  void leakingTest_liveContext_failsWithSubtreeAndCreationLine() {
    Events events = run("leaks");
    events
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaks"),
                finishedWithFailure(
                    instanceOf(AssertionError.class),
                    message(m -> m.contains("still live (never cancelled)")),
                    message(m -> m.contains("withTimeout(1h0m0s)")),
                    message(m -> m.contains("└── withCancel  live")),
                    message(m -> m.contains("ContextLeakCheckTest.java:")))));
    held.cancel();
  }

  @Test
  void cleanTest_everythingCancelled_passes() {
    run("clean").assertThatEvents().haveExactly(1, event(test("clean"), finishedSuccessfully()));
  }

  @Test
  void optOut_annotatedTest_passesDespiteLeak() {
    run("leaksButAllowed")
        .assertThatEvents()
        .haveExactly(1, event(test("leaksButAllowed"), finishedSuccessfully()));
    held.cancel();
  }

  @Test
  void parkedThread_onLeakedContext_namedInFailure() {
    run("leaksAParkedThread")
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaksAParkedThread"),
                finishedWithFailure(message(m -> m.contains("waiters: stuck-worker")))));
    held.cancel();
  }

  @Test
  void valuesOnly_noCancellableContext_passes() {
    run("onlyValues")
        .assertThatEvents()
        .haveExactly(1, event(test("onlyValues"), finishedSuccessfully()));
  }

  @Test
  void wholeClass_oneFailurePerLeakingTest() {
    var stats =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(Planted.class))
            .execute()
            .testEvents();
    assertTrue(stats.failed().count() == 2, () -> stats.failed().list().toString());
    assertTrue(stats.succeeded().count() == 3, () -> stats.succeeded().list().toString());
    held.cancel();
  }
}
