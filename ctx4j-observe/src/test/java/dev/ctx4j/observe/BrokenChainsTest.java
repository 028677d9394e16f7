package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.IntentionalRoot;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fresh roots made under a current context are reported with both sites; nothing else is. */
class BrokenChainsTest {
  private static final Key<String> USER = Key.named("user");
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Logger jul = Logger.getLogger("dev.ctx4j.observe.BrokenChains");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void on() {
    ContextTree.enable();
    ContextTree.allSites(true);
    jul.addHandler(handler);
  }

  @AfterEach
  void off() {
    jul.removeHandler(handler);
    ContextTree.allSites(false);
    Tracing.off();
  }

  @Test
  void freshRootInsideRun_isReportedWithBothSites() {
    int requestLine = Lines.here() + 1;
    try (CancellableContext request = Context.background().withTimeout(Duration.ofSeconds(30))) {
      long before = ContextTree.brokenChains();
      int[] rootLine = new int[1];
      request.run(
          () -> {
            rootLine[0] = Lines.here() + 1;
            try (CancellableContext fresh = Context.background().withCancel()) {
              assertEquals(before + 1, ContextTree.brokenChains());
            }
          });
      BrokenChains.Report r = BrokenChains.recent().get(0);
      assertEquals(
          "BrokenChainsTest.lambda$freshRootInsideRun_isReportedWithBothSites$0"
              + "(BrokenChainsTest.java:"
              + rootLine[0]
              + ")",
          r.site());
      assertTrue(
          r.currentSite().endsWith("(BrokenChainsTest.java:" + requestLine + ")"), r.currentSite());
      assertEquals("Context.background.withCancel", r.context());
      assertTrue(r.current().startsWith("Context.background.withTimeout("), r.current());
      assertEquals(Thread.currentThread().getName(), r.thread());
      assertTrue(r.toString().contains("@IntentionalRoot"), r.toString());
    }
  }

  @Test
  void freshRootUnderValues_andTodo_areReported_onceLoggedPerSite() {
    try (CancellableContext request = Context.background().withCancel()) {
      long before = ContextTree.brokenChains();
      request.run(
          () -> {
            for (int i = 0; i < 3; i++) {
              Context.background().withValue(USER, "alice").withCancel().cancel();
            }
            Context.todo().withTimeout(Duration.ofSeconds(5)).cancel();
          });
      assertEquals(before + 4, ContextTree.brokenChains());
      assertEquals(
          "Context.todo.withTimeout(5s)", BrokenChains.recent().get(0).context().split(" ")[0]);
      long lines = logged.stream().filter(m -> m.contains("withValue(user)")).count();
      assertEquals(1, lines, "one warning per site: " + logged);
    }
  }

  @Test
  void derivedFromCurrent_withoutCancel_outsideRun_orCurrentDone_areNotReported() {
    long before = ContextTree.brokenChains();
    Context.background().withCancel().cancel(); // nothing current
    try (CancellableContext request = Context.background().withCancel()) {
      request.run(
          () -> {
            Context.current().withCancel().cancel();
            Context.current().withoutCancel().withCancel().cancel();
            Context.current().withoutCancel().withValue(USER, "a").withCancel().cancel();
          });
      CancellableContext ended = Context.background().withCancel();
      ended.cancel();
      ended.run(() -> Context.background().withCancel().cancel()); // the current one has ended
    }
    assertEquals(before, ContextTree.brokenChains(), () -> BrokenChains.recent().toString());
  }

  @Test
  void intentionalRoot_onMethodOrClass_isNotReported() {
    long before = ContextTree.brokenChains();
    try (CancellableContext request = Context.background().withCancel()) {
      request.run(
          () -> {
            markedMethod();
            new MarkedClass().start();
            unmarkedMethod();
          });
    }
    assertEquals(before + 1, ContextTree.brokenChains());
    assertTrue(BrokenChains.recent().get(0).site().startsWith("BrokenChainsTest.unmarkedMethod("));
  }

  @IntentionalRoot("a lifetime of its own")
  private static void markedMethod() {
    Context.background().withCancel().cancel();
    Runnable inLambda = () -> Context.background().withCancel().cancel();
    inLambda.run();
  }

  private static void unmarkedMethod() {
    Context.background().withCancel().cancel();
  }

  @IntentionalRoot
  private static final class MarkedClass {
    void start() {
      Context.background().withCancel().cancel();
    }
  }

  @Test
  void tracingOff_nothingIsChecked() {
    Tracing.off();
    long before = ContextTree.brokenChains();
    try (CancellableContext request = Context.background().withCancel()) {
      request.run(() -> Context.background().withCancel().cancel());
    }
    assertEquals(before, ContextTree.brokenChains());
  }

  @Test
  void jfrEvent_carriesBothSites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.jfr");
    try (Recording rec = new Recording()) {
      rec.enable("ctx4j.BrokenChain");
      rec.start();
      try (CancellableContext request = Context.background().withCancel()) {
        request.run(() -> Context.background().withCancel().cancel());
      }
      rec.stop();
      rec.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("ctx4j.BrokenChain"))
            .toList();
    assertEquals(1, events.size(), events::toString);
    RecordedEvent e = events.get(0);
    assertEquals("Context.background.withCancel", e.getString("context"));
    assertTrue(e.getString("site").startsWith("BrokenChainsTest.lambda$jfrEvent"), e.toString());
    assertTrue(e.getString("currentSite").startsWith("BrokenChainsTest.jfrEvent"), e.toString());
    assertTrue(Files.size(file) > 0);
  }
}
