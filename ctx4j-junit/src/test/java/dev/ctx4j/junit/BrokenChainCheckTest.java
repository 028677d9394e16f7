package dev.ctx4j.junit;

import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.IntentionalRoot;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension run on planted test classes through JUnit's own engine. */
class BrokenChainCheckTest {
  @ExtendWith(BrokenChainCheck.class)
  static class Planted {
    @Test
    void freshRootInRun() {
      try (CancellableContext request = Context.background().withTimeout(Duration.ofMinutes(1))) {
        request.run(Planted::report);
      }
    }

    static void report() {
      try (CancellableContext c = Context.background().withTimeout(Duration.ofSeconds(10))) {
        c.withCancel().cancel();
      }
    }

    @Test
    void chainKept() {
      try (CancellableContext request = Context.background().withCancel()) {
        request.run(() -> Context.current().withTimeout(Duration.ofSeconds(1)).cancel());
      }
    }

    @Test
    void intended() {
      try (CancellableContext request = Context.background().withCancel()) {
        request.run(Planted::lifetime);
      }
    }

    @IntentionalRoot("outlives the request on purpose")
    static void lifetime() {
      Context.background().withCancel().cancel();
    }
  }

  private static Events run(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(DiscoverySelectors.selectMethod(Planted.class, method))
        .execute()
        .testEvents();
  }

  @Test
  void freshRootUnderTheCurrentContext_failsNamingBothSites() {
    run("freshRootInRun")
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("freshRootInRun"),
                finishedWithFailure(
                    instanceOf(AssertionError.class),
                    message(
                        m ->
                            m.contains("broke the context chain")
                                && m.contains("made at BrokenChainCheckTest$Planted.report(")
                                && m.contains(
                                    "$Planted.freshRootInRun(BrokenChainCheckTest.java:")))));
  }

  @Test
  void derivedFromTheCurrentContext_passes() {
    run("chainKept")
        .assertThatEvents()
        .haveExactly(1, event(test("chainKept"), finishedSuccessfully()));
  }

  @Test
  void intentionalRoot_passes() {
    run("intended")
        .assertThatEvents()
        .haveExactly(1, event(test("intended"), finishedSuccessfully()));
  }
}
