package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatContextCheckTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.util.List;
      """;

  private LintHelper lint() {
    return LintHelper.of(dir, "fat-context");
  }

  @Test
  void reDerivedFromItselfInLoops_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static final Key<String> K = Key.named("k");
                  void forEach(Context ctx, List<String> xs) {
                    for (String x : xs) {
                      ctx = ctx.withValue(K, x); // BUG: fat-context "derived from itself on every iteration"
                    }
                  }
                  void whileLoop(Context ctx, int n) {
                    Context c = ctx;
                    while (n-- > 0) {
                      c = c.withoutCancel(); // BUG: fat-context
                    }
                  }
                  void chained(Context ctx, List<String> xs) {
                    for (int i = 0; i < xs.size(); i++) {
                      ctx = ctx.withValue(K, "a").withValue(K, xs.get(i)); // BUG: fat-context
                    }
                  }
                  void doLoop(Context ctx) {
                    do {
                      ctx = (ctx.withValue(K, "x")); // BUG: fat-context
                    } while (!ctx.isDone());
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void newVariablePerIteration_orOutsideLoops_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static final Key<String> K = Key.named("k");
                  void ok(Context ctx, List<String> xs) {
                    ctx = ctx.withValue(K, "once");
                    for (String x : xs) {
                      Context item = ctx.withValue(K, x);
                      item.isDone();
                    }
                    for (String x : xs) {
                      Context inner = ctx;
                      inner = inner.withValue(K, x);
                      inner.isDone();
                    }
                  }
                  void otherSource(Context base, Context ctx, List<String> xs) {
                    for (String x : xs) {
                      ctx = base.withValue(K, x);
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void loopInsideLambda_reportedOnlyForTheLambdasOwnLoop() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static final Key<Integer> K = Key.named("k");
                  void run(Context ctx, List<Integer> xs) {
                    for (int x : xs) {
                      Runnable r = () -> {
                        Context c = ctx;
                        c = c.withValue(K, x);
                        c.isDone();
                      };
                      r.run();
                    }
                    xs.forEach(x -> {
                      Context c = ctx;
                      for (int i = 0; i < x; i++) {
                        c = c.withValue(K, i); // BUG: fat-context
                      }
                    });
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void suppressed_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static final Key<String> K = Key.named("k");
                  @SuppressWarnings("ctx4j:fat-context")
                  void run(Context ctx, List<String> xs) {
                    for (String x : xs) {
                      ctx = ctx.withValue(K, x);
                    }
                  }
                }
                """)
        .expectMarked();
  }
}
