package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision and recall of every check on the shipped corpus of realistic service code (the same
 * figures {@code ctx4j lint --self-test} prints): at least 95 % and 90 % for each check.
 */
class CorpusScoreTest {
  @Test
  void everyCheck_meetsPrecisionAndRecallGoal(@TempDir Path dir) throws Exception {
    SelfTest.Result r = SelfTest.run(dir);
    StringWriter s = new StringWriter();
    r.print(new PrintWriter(s, true));
    System.out.println(s);
    assertTrue(r.total().truePositives() >= 15, () -> "the corpus lost its markers:\n" + s);
    for (SelfTest.Score score : r.scores()) {
      assertTrue(
          score.precision() >= SelfTest.PRECISION && score.recall() >= SelfTest.RECALL,
          () -> score.check() + " misses the goal:\n" + s);
    }
  }
}
