package dev.ctx4j.lint;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found by a check: where it is, which check found it, and optionally a second place
 * that explains it (the creation of a lost context, the caller whose context was dropped).
 *
 * @param check the check id, one of {@link Checks#IDS}
 * @param file the analysed file
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong and what to do instead
 * @param related the second place, or null
 */
public record Finding(
    String check, Path file, int line, int column, String message, Related related) {

  /** Orders findings by file, line, column, then check id: output is deterministic. */
  public static final Comparator<Finding> ORDER =
      Comparator.comparing((Finding f) -> f.file().toString())
          .thenComparingInt(Finding::line)
          .thenComparingInt(Finding::column)
          .thenComparing(Finding::check)
          .thenComparing(Finding::message);

  /** Checks that check, file and message are present; related may be null. */
  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The place that explains a finding.
   *
   * @param file the file holding it (may differ from the finding's file)
   * @param line 1-based line
   * @param column 1-based column
   * @param message what happens there
   */
  public record Related(Path file, int line, int column, String message) {
    /** Checks that file and message are present. */
    public Related {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(message, "message");
    }
  }
}
