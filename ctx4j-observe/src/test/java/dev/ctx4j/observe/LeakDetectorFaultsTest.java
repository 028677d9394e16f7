package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Cleaner-driven leak detector under {@link OutOfMemoryError} thrown by user code: by the log
 * handler its leak warnings go to (user code run on the detector's Cleaner thread) and by {@code
 * afterDone} callbacks of the contexts it watches. Later leaks must still be reported, and the
 * contexts whose callbacks threw must not be reported as leaks (their cancel still counted).
 */
class LeakDetectorFaultsTest {
  private static final int THROWING_LOGS = 3;

  private final Logger jul = Logger.getLogger("dev.ctx4j.observe.leak");
  private final AtomicInteger published = new AtomicInteger();
  private final AtomicInteger thrown = new AtomicInteger();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          published.incrementAndGet();
          if (thrown.get() < THROWING_LOGS) {
            thrown.incrementAndGet();
            throw new OutOfMemoryError("test: a log handler on the leak detector's thread");
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private LeakDetector.Level before;
  private Thread.UncaughtExceptionHandler previous;

  @BeforeEach
  void setUp() {
    before = LeakDetector.level();
    LeakDetector.level(LeakDetector.Level.ALL);
    jul.addHandler(handler);
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (!(e instanceof OutOfMemoryError && String.valueOf(e.getMessage()).startsWith("test:"))
              && previous != null) {
            previous.uncaughtException(t, e);
          }
        });
  }

  @AfterEach
  void tearDown() {
    jul.removeHandler(handler);
    LeakDetector.level(before);
    Thread.setDefaultUncaughtExceptionHandler(previous);
  }

  private static int plantLeak() {
    int line = Lines.here() + 1;
    CancellableContext lost = Context.background().withCancel();
    assertFalse(lost.isDone()); // used, never cancelled
    return line;
  }

  /** How many leaks planted at {@code line} were reported since {@code mark}. */
  private static long reported(long mark, int line) {
    String site = "LeakDetectorFaultsTest.java:" + line + ")";
    return LeakDetector.recent().stream()
        .filter(r -> r.id() > mark && r.site().endsWith(site))
        .count();
  }

  /** Collects garbage until {@code count} leaks planted at {@code line} are reported. */
  private static void awaitReports(long mark, int line, long count) {
    for (int i = 0; i < 200 && reported(mark, line) < count; i++) {
      System.gc();
      Thread.yield();
    }
    assertEquals(count, reported(mark, line), "leaks reported for line " + line);
  }

  @Test
  void outOfMemoryInTheLogHandlerAndInCallbacks_laterLeaksStillReported_cancelsStillCount() {
    long mark = ContextTree.mark();
    // Contexts whose afterDone callbacks throw OOM as they are cancelled: not leaks.
    List<CancellableContext> cancelled = new ArrayList<>();
    int cancelledLine = Lines.here() + 2;
    for (int i = 0; i < 100; i++) {
      CancellableContext c = Context.background().withCancel();
      var unused1 =
          c.afterDone(
              () -> {
                throw new OutOfMemoryError("test: an inline callback");
              },
              Runnable::run);
      var unused2 =
          c.afterDone(
              () -> {
                throw new OutOfMemoryError("test: a virtual-thread callback");
              });
      cancelled.add(c);
    }
    cancelled.forEach(CancellableContext::cancel);
    cancelled.clear();
    // Leaks whose warnings make the log handler throw OOM on the Cleaner thread.
    for (int i = 1; i <= THROWING_LOGS; i++) {
      awaitReports(mark, plantLeak(), i);
    }
    Lines.awaitTrue(
        "the throwing log handler reached " + THROWING_LOGS + " times",
        () -> thrown.get() == THROWING_LOGS,
        10);
    // The detector goes on: a later leak is reported and logged.
    int publishedBefore = published.get();
    int later = plantLeak();
    awaitReports(mark, later, THROWING_LOGS + 1);
    Lines.awaitTrue("a later leak logged", () -> published.get() > publishedBefore, 10);
    long falseLeaks =
        LeakDetector.recent().stream()
            .filter(
                r ->
                    r.id() > mark
                        && r.site().endsWith("LeakDetectorFaultsTest.java:" + cancelledLine + ")"))
            .count();
    assertEquals(0, falseLeaks, "contexts cancelled past throwing callbacks reported as leaks");
    FaultReport.row(
        "observe: the leak detector's log handler throws OutOfMemoryError on its Cleaner thread;"
            + " afterDone callbacks of watched contexts throw it too",
        THROWING_LOGS + " throwing warnings, 200 throwing callbacks",
        "every planted leak reported, a later one logged; the 100 contexts cancelled past"
            + " throwing callbacks not reported as leaks",
        "nothing (the leak JFR event of a warning whose handler threw is not emitted)");
  }
}
