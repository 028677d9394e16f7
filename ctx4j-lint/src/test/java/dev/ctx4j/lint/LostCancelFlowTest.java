package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lost-cancel path cases beyond the basics: nesting, catch, loops, lambdas, several contexts. */
class LostCancelFlowTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      import java.time.Instant;
      """;

  private LintHelper lint() {
    return LintHelper.of(dir, "lost-cancel");
  }

  @Test
  void createdInNestedBlock_scopeEndsAtThatBlock() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/A.java",
                HEAD
                    + """
                    class A {
                      void run(Context ctx, boolean b) {
                        if (b) {
                          CancellableContext c = ctx.withCancel(); // BUG: lost-cancel
                          c.isDone();
                        }
                        ctx.isDone();
                      }
                    }
                    """)
            .expectMarked();
    assertEquals(10, f.get(0).related().line(), "the closing brace of the if block");
  }

  @Test
  void catchThatReturnsWithoutCancel_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx) {
                    CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel "this return"
                    try {
                      work(c);
                    } catch (RuntimeException e) {
                      return -1;
                    }
                    c.cancel();
                    return 0;
                  }
                  void work(Context ctx) {}
                }
                """)
        .expectMarked();
  }

  @Test
  void finallyWithoutCancel_thenCancel_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    try {
                      c.isDone();
                    } finally {
                      System.out.println("done");
                    }
                    c.cancel();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void loopConditionAndSynchronizedAndLabeled_cancelAfterwards_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  private final Object lock = new Object();
                  void run(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    while (!c.isDone()) {
                      break;
                    }
                    outer:
                    for (int i = 0; i < 3; i++) {
                      if (i == 1) continue outer;
                    }
                    synchronized (lock) {
                      c.cancel();
                    }
                  }
                  void doLoop(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    do {
                      c.cancel();
                    } while (false);
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void createdInsideLambdaBody_analysedThere() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  Runnable task(Context ctx) {
                    return () -> {
                      CancellableContext c = ctx.withDeadline(Instant.now()); // BUG: lost-cancel "withDeadline"
                      c.isDone();
                    };
                  }
                  Runnable fine(Context ctx) {
                    return () -> {
                      try (CancellableContext c = ctx.withCancel()) {
                        c.isDone();
                      }
                    };
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void twoContexts_onlyTheUncancelledOneReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx) {
                    CancellableContext outer = ctx.withTimeout(Duration.ofSeconds(5));
                    CancellableContext inner = outer.withCancel(); // BUG: lost-cancel "'inner'"
                    inner.isDone();
                    outer.cancel();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void cancelledOnlyInsideDeferredLambda_isAnEscape_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    ctx.afterDone(() -> c.cancel());
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fieldReturnedByGetter_escapes_notReported() throws Exception {
    lint()
        .add(
            "a/Owner.java",
            HEAD
                + """
                class Owner {
                  @SuppressWarnings("ctx4j:context-in-field")
                  private final CancellableContext life = Context.background().withCancel();
                  CancellableContext life() {
                    return life;
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fieldAssignedViaThis_cancelledElsewhere_notReported_neverCancelled_reported()
      throws Exception {
    lint()
        .add(
            "a/Pool.java",
            HEAD
                + """
                class Pool {
                  private CancellableContext run;
                  private CancellableContext idle;
                  void start(Context parent) {
                    this.run = parent.withTimeout(Duration.ofMinutes(1));
                    this.idle = parent.withCancel(); // BUG: lost-cancel "field 'idle', which nothing in Pool ever cancels"
                  }
                  void stop() {
                    run.cancel();
                    idle.isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void ifElseChain_everyBranchCancelsOrReturnsAfterCancel_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx, int n) {
                    CancellableContext c = ctx.withCancel();
                    if (n == 0) {
                      c.cancel();
                      return 0;
                    } else if (n == 1) {
                      c.close();
                      return 1;
                    } else {
                      c.cancel();
                    }
                    return 2;
                  }
                }
                """)
        .expectMarked();
  }
}
