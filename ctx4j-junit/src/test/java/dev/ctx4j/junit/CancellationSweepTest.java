package dev.ctx4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.TaskGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/** The sweep run on planted test classes through JUnit's own engine. */
class CancellationSweepTest {
  /** Bodies that stop wherever they are cancelled, and bodies that do not. */
  static class Planted {
    /** The README's TaskGroup example, with the swept context as the request's parent. */
    @CancellationSweep
    void readmeTaskGroup(Context ctx) throws Exception {
      try (CancellableContext request = ctx.withTimeout(Duration.ofSeconds(2));
          TaskGroup group = TaskGroup.open(request, 8)) { // at most 8 tasks at once
        List<Future<Integer>> quotes = new ArrayList<>();
        for (String supplier : List.of("acme", "globex", "initech")) {
          quotes.add(
              group.fork(
                  c -> {
                    c.sleep(Duration.ofMillis(20)); // stands in for I/O; throws once c is done
                    return supplier.length();
                  }));
        }
        group.join();
        int total = 0;
        for (Future<Integer> quote : quotes) {
          total += quote.resultNow();
        }
        assertEquals(17, total);
      }
    }

    /** Broken: each ContextException is caught and the loop goes on. */
    @CancellationSweep(deadlines = false)
    void swallowsTheCancel(Context ctx) throws InterruptedException {
      int sent = 0;
      for (int i = 0; i < 3; i++) {
        try {
          ctx.sleep(Duration.ofMillis(1));
          sent++;
        } catch (ContextException e) {
          // swallowed: the batch "goes on"
        }
      }
      assertTrue(sent <= 3);
    }

    /**
     * Broken: the consumer loop never checks its context; once the producer stops, it waits for
     * parts that never come. (One sampled point: each of the three hangs the same way.)
     */
    @CancellationSweep(deadlines = false, boundMillis = 2000, maxRuns = 1, seed = 7)
    void loopNeverChecks(Context ctx) throws Exception {
      BlockingQueue<Integer> parts = new LinkedBlockingQueue<>();
      Thread producer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 3; i++) {
                        ctx.sleep(Duration.ofMillis(1));
                        parts.put(i);
                      }
                    } catch (InterruptedException | ContextException e) {
                      // the producer stops when its context ends
                    }
                  });
      int sum = 0;
      for (int i = 0; i < 3; i++) {
        sum += parts.take(); // never looks at ctx
      }
      producer.join();
      assertEquals(3, sum);
    }

    /** Broken: the context's exception is replaced by one that does not carry it. */
    @CancellationSweep
    void losesTheCause(Context ctx) {
      try {
        ctx.throwIfDone();
      } catch (ContextException e) {
        throw new IllegalStateException("lookup failed");
      }
    }

    /** Answers with what it has: a normal return after the cancel is right here. */
    @CancellationSweep(normalReturnAfterCancel = true)
    void answersWithWhatItHas(Context ctx) throws InterruptedException {
      List<Integer> found = new ArrayList<>();
      for (int i = 0; i < 3 && !ctx.isDone(); i++) {
        found.add(i);
      }
      assertTrue(found.size() <= 3);
    }

    /** Never looks at its context: nothing in it can be stopped. */
    @CancellationSweep
    void noPoint(Context ctx) {
      assertNotNull(ctx);
    }

    /** Checks, then makes a fresh root the cancel never reaches and leaves it live. */
    @CancellationSweep(deadlines = false)
    void leavesAFreshRootLive(Context ctx) {
      ctx.throwIfDone();
      CancellableContext stray = Context.background().withCancel();
      assertNotNull(stray);
    }

    /** Fifty points, four swept by a seeded sample. */
    @CancellationSweep(deadlines = false, maxRuns = 4, seed = 42)
    void fiftyPoints(Context ctx) {
      for (int i = 0; i < 50; i++) {
        ctx.throwIfDone();
      }
    }

    /** Takes longer than its bound, though not long enough to be called hung. */
    @CancellationSweep(boundMillis = 200)
    void slowerThanItsBound(Context ctx) throws InterruptedException {
      ctx.throwIfDone();
      boolean counted = new CountDownLatch(1).await(400, TimeUnit.MILLISECONDS); // the slowness
      assertTrue(!counted);
    }

    @CancellationSweep
    void noContextParameter() {}

    @CancellationSweep(boundMillis = 0)
    void zeroBound(Context ctx) {
      ctx.throwIfDone();
    }
  }

  private static Events run(String method) {
    String[] params =
        switch (method) {
          case "noContextParameter" -> new String[0];
          default -> new String[] {Context.class.getName()};
        };
    return EngineTestKit.engine("junit-jupiter")
        .selectors(DiscoverySelectors.selectMethod(Planted.class, method, String.join(",", params)))
        .execute()
        .allEvents();
  }

  private static List<String> names(Events events, EventType type) {
    return events
        .filter(e -> e.getType() == type && e.getTestDescriptor().isTest())
        .map(e -> e.getTestDescriptor().getDisplayName())
        .toList();
  }

  private static List<String> failures(Events events) {
    return events.failed().stream()
        .filter(e -> e.getTestDescriptor().isTest())
        .map(CancellationSweepTest::failureMessage)
        .toList();
  }

  private static String failureMessage(Event e) {
    return e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
        .getThrowable()
        .map(Throwable::getMessage)
        .orElse("");
  }

  @Test
  void readmeTaskGroupExample_everyPointBothWays_passes() {
    Events events = run("readmeTaskGroup");
    List<String> started = names(events, EventType.STARTED);
    // three forks and three sleeps, each cancelled and expired: 12 runs after the count
    assertEquals(13, started.size(), String.join("\n", started));
    assertEquals(List.of(), failures(events));
    assertEquals(
        13, events.succeeded().stream().filter(e -> e.getTestDescriptor().isTest()).count());
    assertTrue(
        started.stream().anyMatch(n -> n.contains("cancel at point 1 of 6: fork at")),
        String.join("\n", started));
    assertTrue(
        started.stream().anyMatch(n -> n.contains("deadline at point") && n.contains("sleep at")),
        String.join("\n", started));
  }

  @Test
  void swallowedContextException_failsEveryPointNamingIt() {
    List<String> failed = failures(run("swallowsTheCancel"));
    assertEquals(3, failed.size(), String.join("\n\n", failed));
    for (int pass = 1; pass <= 3; pass++) {
      String point =
          "cancelled at point "
              + pass
              + " of 3 (sleep at dev.ctx4j.junit.CancellationSweepTest$Planted.swallowsTheCancel(CancellationSweepTest.java:";
      int p = pass;
      assertTrue(
          failed.stream()
              .anyMatch(
                  m ->
                      m.contains(point)
                          && m.contains("pass " + p + ")")
                          && m.contains("returned normally after its context ended")),
          point + "\n" + String.join("\n\n", failed));
    }
  }

  @Test
  void loopThatNeverChecks_hangsAndFailsWithTheStack() {
    Events events = run("loopNeverChecks");
    List<String> failed = failures(events);
    assertEquals(1, failed.size(), String.join("\n\n", failed));
    String m = failed.get(0);
    assertTrue(m.contains("of 3 (sleep at"), m);
    assertTrue(m.contains("sample seed 7"), m);
    assertTrue(m.contains("the body did not end within 2000 ms"), m);
    assertTrue(m.contains("LinkedBlockingQueue.take"), m);
    assertTrue(m.contains("chains, most recent first:"), m);
    assertEquals(
        1, events.succeeded().stream().filter(e -> e.getTestDescriptor().isTest()).count());
  }

  @Test
  void exceptionWithoutTheContextsOne_failsNamingWhatWasExpected() {
    List<String> failed = failures(run("losesTheCause"));
    assertEquals(2, failed.size(), String.join("\n\n", failed));
    assertTrue(
        failed.stream()
            .anyMatch(
                m ->
                    m.contains("cancelled at point 1 of 1 (throwIfDone at")
                        && m.contains("lookup failed")
                        && m.contains("instead of the context's ContextCancelledException")),
        String.join("\n\n", failed));
    assertTrue(
        failed.stream()
            .anyMatch(
                m ->
                    m.contains("deadline expired at point 1 of 1")
                        && m.contains("instead of the context's DeadlineExceededException")),
        String.join("\n\n", failed));
  }

  @Test
  void normalReturnAllowed_passes() {
    Events events = run("answersWithWhatItHas");
    assertEquals(List.of(), failures(events));
    // isDone passed three times in the count run: 3 points, both ways, and the count
    assertEquals(
        7, events.succeeded().stream().filter(e -> e.getTestDescriptor().isTest()).count());
  }

  @Test
  void bodyWithoutAnyPoint_failsTheCountRun() {
    List<String> failed = failures(run("noPoint"));
    assertEquals(1, failed.size(), String.join("\n\n", failed));
    assertTrue(
        failed.get(0).contains("passed no cancellation point on its context"), failed.get(0));
  }

  @Test
  void bodyOverItsBound_failsTheCountRun() {
    List<String> failed = failures(run("slowerThanItsBound"));
    assertEquals(1, failed.size(), String.join("\n\n", failed));
    assertTrue(failed.get(0).contains("over its bound of 200 ms"), failed.get(0));
  }

  @Test
  void freshRootLeftLive_failsTheCountRunNamingTheSite() {
    List<String> failed = failures(run("leavesAFreshRootLive"));
    assertEquals(1, failed.size(), String.join("\n\n", failed));
    assertTrue(failed.get(0).contains("the body left contexts live"), failed.get(0));
    assertTrue(failed.get(0).contains("leavesAFreshRootLive"), failed.get(0));
  }

  @Test
  void manyPoints_sampledBySeed_sameRunsEachTime() {
    Events first = run("fiftyPoints");
    List<String> started = names(first, EventType.STARTED);
    assertEquals(5, started.size(), String.join("\n", started));
    assertEquals(List.of(), failures(first));
    assertTrue(started.stream().skip(1).allMatch(n -> n.contains(" of 50: throwIfDone at")));
    assertEquals(started, names(run("fiftyPoints"), EventType.STARTED), "seed 42 picks the same");
    List<String> entries =
        first.reportingEntryPublished().stream()
            .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("ctx4j.sweep"))
            .toList();
    assertTrue(
        entries.stream()
            .anyMatch(
                m ->
                    m != null
                        && m.contains("50 points, a sample of 4 swept (seed 42;")
                        && m.contains("1. throwIfDone at")),
        entries.toString());
  }

  @Test
  void misuse_clearErrors() {
    run("noContextParameter")
        .assertThatEvents()
        .haveAtLeastOne(
            event(
                finishedWithFailure(
                    instanceOf(ExtensionConfigurationException.class),
                    message(m -> m.contains("must take a dev.ctx4j.Context")))));
    run("zeroBound")
        .assertThatEvents()
        .haveAtLeastOne(
            event(
                finishedWithFailure(
                    instanceOf(ExtensionConfigurationException.class),
                    message(m -> m.contains("boundMillis must be between 1 and")))));
  }

  @Test
  void eventTestFilter_seesOnlyTests() {
    assertTrue(
        run("readmeTaskGroup").filter(e -> e.getType() == EventType.STARTED).count()
            > names(run("noPoint"), EventType.STARTED).size());
  }
}
