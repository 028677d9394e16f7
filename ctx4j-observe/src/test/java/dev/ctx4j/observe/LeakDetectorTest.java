package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lost cancels reported once, with the creation line; silence for well-behaved code. */
class LeakDetectorTest {
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Logger jul = Logger.getLogger("dev.ctx4j.observe.leak");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          Object[] p = r.getParameters();
          logged.add(java.text.MessageFormat.format(r.getMessage(), p == null ? new Object[0] : p));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private LeakDetector.Level before;

  @BeforeEach
  void setUp() {
    before = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.ALL);
    jul.addHandler(handler);
  }

  @AfterEach
  void tearDown() {
    jul.removeHandler(handler);
    LeakDetector.level(before);
  }

  private static int plantLeak() {
    int line = Lines.here() + 1;
    CancellableContext lost = Context.background().withValue(LeakKey.K, 7).withCancel();
    assertFalse(lost.isDone()); // used, never cancelled
    return line;
  }

  /** Collects garbage until a leak created at {@code line} of this file is reported. */
  private static LeakDetector.Report awaitReport(long mark, int line) {
    String site = "LeakDetectorTest.java:" + line + ")";
    for (int i = 0; i < 200; i++) {
      for (LeakDetector.Report r : LeakDetector.recent()) {
        if (r.id() > mark && r.site().endsWith(site)) {
          return r;
        }
      }
      System.gc();
      Thread.onSpinWait();
      Thread.yield();
    }
    throw new AssertionError("no leak reported for line " + line);
  }

  @Test
  void plantedLeak_unreachableUncancelled_reportedWithCreationLine() {
    long mark = ContextTree.mark();
    int line = plantLeak();
    LeakDetector.Report r = awaitReport(mark, line);
    assertEquals("withCancel", r.context());
    assertTrue(
        r.site().startsWith("dev.ctx4j.observe.LeakDetectorTest.plantLeak(LeakDetectorTest.java:"),
        r.site());
    Lines.awaitTrue(
        "log line",
        () -> logged.stream().anyMatch(m -> m.contains("LeakDetectorTest.java:" + line + ")")),
        10);
    assertTrue(logged.get(0).contains("without being cancelled"), logged.get(0));
    assertEquals(
        1, LeakDetector.recent().stream().filter(x -> x.id() > mark).count(), "reported once");
  }

  @Test
  void wellBehaved_100kContexts_silence() {
    long mark = ContextTree.mark();
    Context root = Context.background();
    for (int i = 0; i < 50_000; i++) {
      try (CancellableContext c = root.withCancel()) {
        c.withValue(LeakKey.K, i).isDone();
      }
      CancellableContext t = root.withTimeout(Duration.ofMinutes(5));
      t.cancel();
    }
    int first = plantLeak(); // sentinels: once they are reported, the earlier garbage was seen
    awaitReport(mark, first);
    long secondMark = ContextTree.mark();
    int second = plantLeak();
    awaitReport(secondMark, second);
    List<LeakDetector.Report> mine =
        LeakDetector.recent().stream().filter(r -> r.id() > mark).toList();
    for (LeakDetector.Report r : mine) {
      assertTrue(r.site().contains("plantLeak"), "unexpected leak report: " + r);
    }
    assertEquals(2, mine.size(), mine::toString);
  }

  @Test
  void cancelledWhileTracingWasOff_notReportedWhenCollected() {
    long mark = ContextTree.mark();
    List<CancellableContext> made = new java.util.ArrayList<>();
    int line = Lines.here() + 2;
    for (int i = 0; i < 1_000; i++) {
      made.add(Context.background().withCancel()); // watched: the level is ALL
    }
    dev.ctx4j.Tracing.off();
    try {
      made.forEach(CancellableContext::cancel); // the sink hears nothing of these cancels
    } finally {
      dev.ctx4j.Tracing.on();
    }
    made.clear();
    int sentinel = plantLeak(); // once it is reported, the contexts above were collected too
    awaitReport(mark, sentinel);
    List<LeakDetector.Report> wrong =
        LeakDetector.recent().stream()
            .filter(r -> r.id() > mark && r.site().endsWith("LeakDetectorTest.java:" + line + ")"))
            .toList();
    assertEquals(List.of(), wrong, "a cancel made while tracing was off still counts");
  }

  @Test
  void olderThan_liveUnderRoot_foundOldestFirstAndLogged() {
    try (CancellableContext root = Context.background().withCancel()) {
      long mark = ContextTree.mark();
      CancellableContext a = root.withCancel();
      CancellableContext b = a.withTimeout(Duration.ofHours(1));
      List<LeakDetector.Report> old = LeakDetector.olderThan(root, Duration.ZERO);
      assertEquals(2, old.stream().filter(r -> r.id() > mark).count(), old::toString);
      assertEquals(a.toString(), old.get(0).context());
      assertEquals(b.toString(), old.get(1).context());
      assertTrue(logged.stream().anyMatch(m -> m.contains(b.toString() + " has been live for")));
      assertEquals(List.of(), LeakDetector.olderThan(root, Duration.ofHours(1)));
      assertEquals(List.of(), LeakDetector.olderThan(b, Duration.ZERO));
    }
  }

  @Test
  void olderThan_badArguments_rejectedNamingThem() {
    var n =
        assertThrows(NullPointerException.class, () -> LeakDetector.olderThan(null, Duration.ZERO));
    assertTrue(n.getMessage().contains("root"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LeakDetector.olderThan(Context.background(), Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("age"));
  }

  /** A key for the silence test. */
  static final class LeakKey {
    static final dev.ctx4j.Key<Integer> K = dev.ctx4j.Key.named("i");

    private LeakKey() {}
  }
}
