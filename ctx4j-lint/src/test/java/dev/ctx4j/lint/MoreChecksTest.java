package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declarations that look alike but differ: interface constants, enums, nested and local types. */
class MoreChecksTest {
  @TempDir Path dir;

  @Test
  void interfaceConstant_isStatic_notReported_enumInstanceField_reported() throws Exception {
    LintHelper.of(dir, "context-in-field")
        .add(
            "a/Roots.java",
            """
            package a;
            import dev.ctx4j.Context;
            interface Roots {
              Context ROOT = Context.background();
            }
            enum Stage {
              ONE;
              private Context ctx; // BUG: context-in-field
            }
            """)
        .expectMarked();
  }

  @Test
  void keyInInterfaceDefaultMethodOrLocalClass_reported_interfaceConstant_not() throws Exception {
    LintHelper.of(dir, "key-per-call")
        .add(
            "a/Keys.java",
            """
            package a;
            import dev.ctx4j.Key;
            interface Keys {
              Key<String> USER = Key.named("user");
              default Key<String> fresh() {
                return Key.named("fresh"); // BUG: key-per-call "method fresh"
              }
            }
            class Outer {
              void m() {
                class Local {
                  final Key<String> k = Key.named("local"); // BUG: key-per-call
                }
                new Local();
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void allChecksTogether_eachReportedOnce_sortedByLine() throws Exception {
    List<Finding> f =
        LintHelper.of(dir)
            .add(
                "a/All.java",
                """
                package a;
                import dev.ctx4j.*;
                import java.time.Duration;
                import java.util.List;
                class All {
                  private Context kept; // BUG: context-in-field
                  void run(Context ctx, List<String> xs) throws Exception {
                    CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel
                    Thread.sleep(1); // BUG: blocking-without-context
                    for (String x : xs) {
                      Key<String> k = Key.named(x); // BUG: key-per-call
                      ctx = ctx.withValue(k, x); // BUG: fat-context
                    }
                    Context.todo().isDone(); // BUG: broken-chain
                  }
                }
                """)
            .expectMarked();
    assertEquals(6, f.size());
    for (int i = 1; i < f.size(); i++) {
      assertTrue(f.get(i - 1).line() <= f.get(i).line(), "sorted by line");
    }
  }

  @Test
  void unknownCheckId_rejectedNamingTheParameter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.select(List.of("lost-cancle")));
    assertTrue(e.getMessage().startsWith("checks: unknown check 'lost-cancle'"), e.getMessage());
  }

  @Test
  void emptyPathList_rejectedNamingTheParameter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Project.load(List.of()));
    assertTrue(e.getMessage().startsWith("paths"), e.getMessage());
  }
}
