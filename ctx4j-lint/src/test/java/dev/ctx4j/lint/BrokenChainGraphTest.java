package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** broken-chain through the call graph: static calls, overloads, receivers of known classes. */
class BrokenChainGraphTest {
  @TempDir Path dir;

  private LintHelper lint() {
    return LintHelper.of(dir, "broken-chain");
  }

  @Test
  void staticHelperInAnotherClass_reportedNamingTheCaller() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            """
            package a;
            import dev.ctx4j.Context;
            class Svc {
              void handle(Context ctx) {
                Util.refresh();
              }
            }
            class Util {
              static void refresh() {
                Context.background().isDone(); // BUG: broken-chain "Svc#handle"
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void overloads_toldApartByArgumentCount() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            """
            package a;
            import dev.ctx4j.Context;
            class Svc {
              void handle(Context ctx) {
                load("a");
              }
              void boot() {
                load("a", 1);
              }
              void load(String k) {
                Context.todo().isDone(); // BUG: broken-chain
              }
              void load(String k, int n) {
                Context.todo().isDone();
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void sameNameInTwoClasses_resolvedByTheReceiversDeclaredType() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/Svc.java",
                """
                package a;
                import dev.ctx4j.Context;
                class Svc {
                  private final Repo repo = new Repo();
                  void handle(Context ctx) {
                    repo.save();
                  }
                  void boot(Other o) {
                    o.save();
                  }
                }
                class Repo {
                  void save() {
                    Context.background().isDone(); // BUG: broken-chain "Svc#handle (line 6)"
                  }
                }
                class Other {
                  void save() {
                    Context.background().isDone();
                  }
                }
                """)
            .expectMarked();
    assertEquals(6, f.get(0).related().line());
    assertTrue(f.get(0).message().contains("'ctx'"));
  }

  @Test
  void ambiguousCall_addsNoEdge_andMakesCallersUnknown() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            """
            package a;
            import dev.ctx4j.Context;
            class Svc {
              void handle(Context ctx, Object any) {
                ((Repo) any).save();
              }
            }
            class Repo {
              void save() {
                Context.background().isDone();
              }
            }
            class Other {
              void save() {
                Context.background().isDone();
              }
            }
            """)
        .expectMarked();
  }
}
