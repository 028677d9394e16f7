package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.junit.internal.FaultReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM whose main returns with ctx4j's machinery live — contexts with deadlines, a TaskGroup with
 * running tasks, a disconnect watcher watching a connection — exits: no thread of ctx4j's keeps it
 * up. The child is {@link LiveAtExit}; it lists its threads before returning, so the test also
 * checks that the timer thread and the watcher were running and are daemons.
 */
class ProcessExitFaultsTest {
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void mainReturnsWithLiveContexts_theJvmExits() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LiveAtExit.class.getName())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    long started = System.nanoTime();
    boolean exited = child.waitFor(30, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (!exited) {
      child.destroyForcibly();
    }
    String out = output.get(10, TimeUnit.SECONDS);
    System.out.println(out);
    assertTrue(exited, "the JVM did not exit within 30 s of main returning:\n" + out);
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("returning with a live root"), out);
    for (String name : List.of("ctx4j-timer", "ctx4j-http-disconnect-watcher")) {
      assertTrue(
          out.contains("thread " + name + " daemon=true"), name + " not a live daemon:\n" + out);
    }
    for (String line : out.lines().toList()) {
      if (line.startsWith("thread ctx4j")) {
        assertTrue(line.endsWith("daemon=true"), "a ctx4j thread that is not a daemon: " + line);
      }
    }
    FaultReport.row(
        "process: main returns with 1,000 contexts under deadlines, a TaskGroup of 10 running tasks,"
            + " pending callbacks and a disconnect watcher watching a connection (a child JVM)",
        "once",
        "the JVM exited (code 0) "
            + ms
            + " ms after it started; the timer thread and the watcher were live daemons",
        "nothing: no thread of ctx4j's held the JVM");
  }
}
