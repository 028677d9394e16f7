package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParseErrorTest {
  @TempDir Path dir;

  @Test
  void brokenFile_reportedAtTheError_andOtherFilesStillAnalysed() throws Exception {
    List<Finding> f =
        LintHelper.of(dir)
            .add(
                "a/Broken.java",
                """
                package a;
                class Broken {
                  void m( { // BUG: parse-error "does not parse"
                }
                """)
            .add(
                "a/Fine.java",
                """
                package a;
                import dev.ctx4j.Context;
                class Fine {
                  private Context ctx; // BUG: context-in-field
                }
                """)
            .expectMarked();
    assertEquals(2, f.size());
  }

  @Test
  void parseErrorOnly_selectedWithChecks() throws Exception {
    List<Finding> f =
        LintHelper.of(dir, "parse-error")
            .add("a/Broken.java", "class {")
            .add("a/Fine.java", "package a; import dev.ctx4j.Context; class Fine { Context c; }")
            .run();
    assertEquals(1, f.size());
    assertTrue(f.get(0).message().contains("other checks were skipped"));
  }
}
