package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ctx4j's own examples and demo code must pass its own lint. */
class DogfoodTest {
  @Test
  void cliDemoAndExamples_haveNoFindings() throws Exception {
    Path demo = Path.of("..", "ctx4j-cli", "src", "main", "java");
    assertTrue(
        Files.isDirectory(demo),
        "run from the ctx4j-lint module directory: " + demo.toAbsolutePath());
    List<Finding> found = Checks.run(Project.load(List.of(demo)), Checks.select(List.of()));
    assertEquals(
        List.of(), found, () -> "ctx4j lint on its own demo:\n" + LintHelper.describe(found));
  }
}
