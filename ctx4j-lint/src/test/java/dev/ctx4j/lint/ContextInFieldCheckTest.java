package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextInFieldCheckTest {
  @TempDir Path dir;

  private LintHelper lint() {
    return LintHelper.of(dir, "context-in-field");
  }

  @Test
  void instanceFields_reported_staticFields_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.*;
            class A {
              static final Context ROOT = Context.background();
              private final Context ctx; // BUG: context-in-field "field 'ctx' holds a Context"
              private CancellableContext life; // BUG: context-in-field
              dev.ctx4j.Context qualified; // BUG: context-in-field
              private final Key<String> key = null;
              A(Context ctx) {
                this.ctx = ctx;
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void recordComponent_reported() throws Exception {
    lint()
        .add(
            "a/Req.java",
            """
            package a;
            import dev.ctx4j.Context;
            record Req(String path, Context ctx) {} // BUG: context-in-field "record component 'ctx' of Req"
            """)
        .expectMarked();
  }

  @Test
  void localsAndParameters_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Context;
            class A {
              void run(Context ctx) {
                Context local = ctx;
                local.isDone();
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void anotherLibrarysContextType_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Key;
            import javax.naming.Context;
            class A {
              private Context naming;
              static final Key<String> K = Key.named("k");
            }
            """)
        .add(
            "b/B.java",
            """
            package b;
            class B {
              private Context notOurs;
              static class Context {}
            }
            """)
        .expectMarked();
  }

  @Test
  void suppressedOnField_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Context;
            class A {
              @SuppressWarnings("ctx4j:context-in-field")
              private final Context owned = Context.background();
              private final Context other = Context.background(); // BUG: context-in-field
            }
            """)
        .expectMarked();
  }
}
