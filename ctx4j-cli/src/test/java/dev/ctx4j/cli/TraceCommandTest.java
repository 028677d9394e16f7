package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording made in-process round-trips through {@code ctx4j trace}. */
class TraceCommandTest {
  @TempDir Path dir;

  /** Runs the command line: exit code, standard output, standard error. */
  static String[] run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {
      String.valueOf(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }

  @Test
  void trace_recordedCancel_printsChainInEveryFormat() throws Exception {
    Tracing.on();
    Path file = dir.resolve("app.jfr");
    try (Recording r = new Recording()) {
      r.enable("ctx4j.Cancel");
      r.enable("ctx4j.Hop");
      r.start();
      CancellableContext request = Context.background().withCancel();
      var unused = request.withTimeout(Duration.ofMinutes(1)).withCancel();
      request.cancel(new IllegalStateException("client went away"));
      r.stop();
      r.dump(file);
    }
    String[] text = run("trace", file.toString());
    assertEquals("0", text[0], text[2]);
    assertTrue(
        text[1].contains(
            " IllegalStateException: client went away · Context.background.withCancel at"
                + " TraceCommandTest.trace_recordedCancel_printsChainInEveryFormat(TraceCommandTest.java:"),
        text[1]);
    assertTrue(text[1].contains(" by " + Thread.currentThread().getName() + " · 3 hops"), text[1]);
    assertTrue(text[1].contains("\n  cancelled withCancel  +"), text[1]);
    assertTrue(text[1].contains("\n  └── withTimeout(1m0s)  +"), text[1]);
    assertTrue(text[1].contains("\n      └── withCancel  +"), text[1]);
    assertTrue(
        run("trace", file.toString(), "--format", "mermaid")[1].startsWith("flowchart TD\n"));
    assertTrue(run("trace", file.toString(), "--format", "dot")[1].startsWith("digraph ctx4j {\n"));
    assertTrue(
        run("trace", file.toString(), "--format=html")[1].contains("class=\"chain cancelled\""));
  }

  @Test
  void trace_badArguments_exitCodeAndMessage() throws Exception {
    assertEquals("2", run("trace")[0]);
    String[] fmt = run("trace", "x.jfr", "--format", "png");
    assertEquals("2", fmt[0]);
    assertTrue(fmt[2].contains("--format must be"), fmt[2]);
    String[] missing = run("trace", dir.resolve("missing.jfr").toString());
    assertEquals("1", missing[0]);
    assertTrue(missing[2].contains("no such file"), missing[2]);
  }
}
