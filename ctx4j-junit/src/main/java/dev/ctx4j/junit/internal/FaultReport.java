package dev.ctx4j.junit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a fault test says what it broke and what happened: with {@code -Dctx4j.faults.out=FILE}
 * (set by {@code ./ctx4j faults}) each call appends one tab-separated row — fault, how often, what
 * happened, what was lost — from which the command writes FAULTS.md. Without it, nothing. For
 * ctx4j's own fault tests; not an API (ctx4j-core's and ctx4j-observe's tests, which this module
 * depends on, keep a copy of their own).
 */
public final class FaultReport {
  private FaultReport() {}

  /** Appends one row, if the report is on. */
  public static void row(String fault, String often, String happened, String lost) {
    String out = System.getProperty("ctx4j.faults.out");
    if (out == null || out.isBlank()) {
      return;
    }
    String line =
        String.join("\t", clean(fault), clean(often), clean(happened), clean(lost)) + "\n";
    try {
      Files.writeString(
          Path.of(out),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the fault report " + out, e);
    }
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('|', '/');
  }
}
