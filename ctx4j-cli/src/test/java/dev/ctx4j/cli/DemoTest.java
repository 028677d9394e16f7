package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTest {
  private static String runDemo(String... args) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(0, Main.run(prepend("demo", args), out, out));
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** The line after the "NAME ended" line: its err and cause. */
  private static String endOf(String output, String name) {
    List<String> lines = output.lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).matches("\\s*\\d+ms\\s+" + name + "\\s+ended.*")) {
        return lines.get(i) + "\n" + lines.get(i + 1);
      }
    }
    throw new AssertionError(name + " never ended in:\n" + output);
  }

  @Test
  void demo_eachBranchEndsWithItsOwnErrAndCause() throws Exception {
    String output = runDemo();
    assertTrue(output.contains("inventory  done"), output);
    String reviews = endOf(output, "reviews");
    assertTrue(reviews.contains("err=ContextCancelledException"), reviews);
    assertTrue(reviews.contains("IllegalStateException: reviews: upstream answered 503"), reviews);
    String pricing = endOf(output, "pricing");
    assertTrue(pricing.contains("err=DeadlineExceededException  cause=err"), pricing);
    String request = endOf(output, "request");
    assertTrue(
        request.contains("Context.background.withCancel.withValue(requestId).withTimeout(300ms)"),
        request);
    assertTrue(output.indexOf("request    ended") < output.indexOf("server     stop"), output);
  }

  @Test
  void demo_unknownArgument_exitCode2() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(2, Main.run(new String[] {"demo", "--bogus"}, out, out));
    }
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("unknown argument '--bogus'"));
  }

  @Test
  void main_unknownCommand_exitCode2AndUsage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(2, Main.run(new String[] {"frobnicate"}, out, out));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("unknown command 'frobnicate'") && text.contains("usage:"), text);
  }
}
