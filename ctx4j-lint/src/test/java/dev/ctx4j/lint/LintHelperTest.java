package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The marker harness must be able to fail, or every check test proves nothing. */
class LintHelperTest {
  @TempDir Path dir;

  @Test
  void markerWithoutFinding_fails() {
    LintHelper h =
        LintHelper.of(dir, "context-in-field")
            .add(
                "a/A.java",
                "package a;",
                "import dev.ctx4j.Context;",
                "class A { int x; } // BUG: context-in-field");
    assertThrows(AssertionFailedError.class, h::expectMarked);
  }

  @Test
  void findingWithoutMarker_fails() {
    LintHelper h =
        LintHelper.of(dir, "context-in-field")
            .add("a/A.java", "package a;", "import dev.ctx4j.Context;", "class A { Context c; }");
    assertThrows(AssertionFailedError.class, h::expectMarked);
  }

  @Test
  void fragmentNotInMessage_fails() {
    LintHelper h =
        LintHelper.of(dir, "context-in-field")
            .add(
                "a/A.java",
                "package a;",
                "import dev.ctx4j.Context;",
                "class A { Context c; } // BUG: context-in-field \"no such words\"");
    assertThrows(AssertionFailedError.class, h::expectMarked);
  }
}
