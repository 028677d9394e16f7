package dev.ctx4j.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a fault test says what it broke and what happened: with {@code -Dctx4j.faults.out=FILE}
 * (set by {@code ./ctx4j faults}) each call appends one tab-separated row — fault, how often, what
 * happened, what was lost — from which the command writes FAULTS.md. Without it, nothing.
 *
 * <p>A copy of ctx4j-junit's {@code internal.FaultReport}, which the other modules' fault tests
 * share: this module's tests cannot depend on ctx4j-junit, which depends on this module.
 */
final class FaultReport {
  private FaultReport() {}

  static void row(String fault, String often, String happened, String lost) {
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
