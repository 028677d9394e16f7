package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error Prone's CompilationTestHelper, for ctx4j lint: sources are given as text; a line that must
 * be reported ends with {@code // BUG: check-id}, optionally followed by a quoted fragment the
 * message must contain ({@code // BUG: lost-cancel "line 12"}). Every marked line must be reported
 * and nothing else.
 */
final class LintHelper {
  private static final Pattern MARK =
      Pattern.compile("//\\s*BUG:\\s*([a-z-]+)(?:\\s+\"([^\"]*)\")?");

  private final Path dir;
  private final Set<String> checks;
  private final Map<String, String> files = new LinkedHashMap<>();

  private LintHelper(Path dir, String... checks) {
    this.dir = dir;
    this.checks = Checks.select(List.of(checks));
  }

  static LintHelper of(Path dir, String... checks) {
    return new LintHelper(dir, checks);
  }

  /** Adds a file; its name is relative to the temporary source root. */
  LintHelper add(String name, String... lines) {
    files.put(name, String.join("\n", lines) + "\n");
    return this;
  }

  /** Runs the checks and compares with the markers; returns the findings for further asserts. */
  List<Finding> expectMarked() throws IOException {
    List<Finding> found = run();
    Set<String> expected = new TreeSet<>();
    List<String[]> fragments = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      String[] lines = f.getValue().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher m = MARK.matcher(lines[i]);
        if (m.find()) {
          String key = f.getKey() + ":" + (i + 1) + ": " + m.group(1);
          expected.add(key);
          if (m.group(2) != null) {
            fragments.add(new String[] {key, m.group(2)});
          }
        }
      }
    }
    Set<String> actual = new TreeSet<>();
    for (Finding f : found) {
      actual.add(
          dir.relativize(f.file()).toString().replace('\\', '/')
              + ":"
              + f.line()
              + ": "
              + f.check());
    }
    assertEquals(expected, actual, () -> "findings differ; all findings:\n" + describe(found));
    for (String[] fr : fragments) {
      boolean ok =
          found.stream()
              .anyMatch(
                  f ->
                      (dir.relativize(f.file()).toString().replace('\\', '/')
                                  + ":"
                                  + f.line()
                                  + ": "
                                  + f.check())
                              .equals(fr[0])
                          && (f.message().contains(fr[1])
                              || (f.related() != null && f.related().message().contains(fr[1]))));
      assertTrue(
          ok, () -> fr[0] + " should mention \"" + fr[1] + "\"; findings:\n" + describe(found));
    }
    return found;
  }

  List<Finding> run() throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    return Checks.run(Project.load(List.of(dir)), checks);
  }

  static String describe(List<Finding> found) {
    StringBuilder b = new StringBuilder();
    for (Finding f : found) {
      b.append("  ")
          .append(f.file().getFileName())
          .append(':')
          .append(f.line())
          .append(':')
          .append(f.column())
          .append(": ")
          .append(f.check())
          .append(": ")
          .append(f.message())
          .append('\n');
      if (f.related() != null) {
        b.append("      ")
            .append(f.related().line())
            .append(": ")
            .append(f.related().message())
            .append('\n');
      }
    }
    return b.toString();
  }
}
