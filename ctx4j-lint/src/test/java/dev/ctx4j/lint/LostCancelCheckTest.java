package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LostCancelCheckTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      import java.util.List;
      """;

  private LintHelper lint() {
    return LintHelper.of(dir, "lost-cancel");
  }

  @Test
  void neverCancelled_endOfScope_reportedAtCreationWithScopeEnd() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/A.java",
                HEAD
                    + """
                    class A {
                      void run(Context ctx) {
                        CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel "withTimeout on line 7"
                        c.isDone();
                      }
                    }
                    """)
            .expectMarked();
    assertEquals(9, f.get(0).related().line());
    assertEquals(
        "the end of its scope may be reached without cancelling it", f.get(0).related().message());
  }

  @Test
  void earlyReturn_withoutCancel_relatedPointsAtTheReturn() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/A.java",
                HEAD
                    + """
                    class A {
                      int run(Context ctx, boolean quick) {
                        var c = ctx.withCancel(); // BUG: lost-cancel "this return may be reached without cancelling it"
                        if (quick) {
                          return 1;
                        }
                        c.cancel();
                        return 2;
                      }
                    }
                    """)
            .expectMarked();
    assertEquals(9, f.get(0).related().line());
  }

  @Test
  void tryWithResources_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx) throws Exception {
                    try (CancellableContext c = ctx.withTimeout(Duration.ofMillis(5))) {
                      return c.call(() -> 1);
                    }
                  }
                  void named(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    try (c) {
                      if (c.isDone()) {
                        return;
                      }
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void cancelInFinally_coversEveryReturn() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx, int n) {
                    CancellableContext c = ctx.withDeadline(java.time.Instant.now());
                    try {
                      if (n > 1) {
                        return 1;
                      }
                      return 2;
                    } finally {
                      c.cancel();
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void cancelOnBothBranches_notReported_oneBranch_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void both(Context ctx, boolean b) {
                    CancellableContext c = ctx.withCancel();
                    if (b) {
                      c.cancel();
                    } else {
                      c.close();
                    }
                  }
                  void one(Context ctx, boolean b) {
                    CancellableContext c = ctx.withCancel(); // BUG: lost-cancel
                    if (b) {
                      c.cancel(new IllegalStateException("stop"));
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void escapes_returnedStoredCapturedOrAdded_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  private final List<CancellableContext> open = new java.util.ArrayList<>();
                  CancellableContext returned(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    return c;
                  }
                  void added(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    open.add(c);
                  }
                  void captured(Context ctx, java.util.concurrent.Executor ex) {
                    CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1));
                    ex.execute(() -> c.cancel());
                  }
                  Holder handedOver(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                    return new Holder(c);
                  }
                  void stopAll() {
                    open.forEach(CancellableContext::cancel);
                  }
                  record Holder(CancellableContext c) {}
                }
                """)
        .expectMarked();
  }

  @Test
  void passedToAMethod_isUseNotEscape_stillReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx) {
                    CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel
                    work(c);
                  }
                  void work(Context ctx) {}
                }
                """)
        .expectMarked();
  }

  @Test
  void resultNeverStored_orChainedAway_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static final Key<String> K = Key.named("k");
                  void discarded(Context ctx) {
                    ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel "never stored"
                  }
                  Context chained(Context ctx) {
                    return ctx.withTimeout(Duration.ofSeconds(1)).withValue(K, "v"); // BUG: lost-cancel
                  }
                  void closedAtOnce(Context ctx) {
                    ctx.withCancel().close();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void returnInsideLoop_withoutCancel_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx, List<Integer> xs) {
                    CancellableContext c = ctx.withCancel(); // BUG: lost-cancel
                    for (int x : xs) {
                      if (x > 3) {
                        return x;
                      }
                    }
                    c.cancel();
                    return 0;
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void throwWithoutCancel_notReported_likeGoVet() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx, int n) {
                    CancellableContext c = ctx.withCancel();
                    if (n < 0) {
                      throw new IllegalArgumentException("n");
                    }
                    c.cancel();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void switchWithDefault_allEntriesCancel_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx, int n) {
                    CancellableContext c = ctx.withCancel();
                    switch (n) {
                      case 1:
                        c.cancel();
                        break;
                      default:
                        c.close();
                    }
                  }
                  void missingDefault(Context ctx, int n) {
                    CancellableContext c = ctx.withCancel(); // BUG: lost-cancel
                    switch (n) {
                      case 1:
                        c.cancel();
                        break;
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fieldNeverCancelledInClass_reported_theCaseGoVetMisses() throws Exception {
    lint()
        .add(
            "a/Server.java",
            HEAD
                + """
                class Server {
                  @SuppressWarnings("ctx4j:context-in-field")
                  private CancellableContext life;
                  Server(Context parent) {
                    life = parent.withCancel(); // BUG: lost-cancel "field 'life'"
                  }
                  void serve() {
                    life.isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fieldCancelledInStop_orInitializedAndClosed_notReported() throws Exception {
    lint()
        .add(
            "a/Server.java",
            HEAD
                + """
                class Server implements AutoCloseable {
                  private final CancellableContext life = Context.background().withCancel();
                  private CancellableContext request;
                  void start(Context parent) {
                    CancellableContext c = parent.withTimeout(Duration.ofSeconds(3));
                    this.request = c;
                  }
                  void stop() {
                    this.request.cancel();
                  }
                  @Override
                  public void close() {
                    life.close();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fieldInjectedFromOutside_notReported() throws Exception {
    lint()
        .add(
            "a/Worker.java",
            HEAD
                + """
                class Worker {
                  private final CancellableContext ctx;
                  Worker(CancellableContext ctx) {
                    this.ctx = ctx;
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void suppressedOnMethod_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  @SuppressWarnings({"unused", "ctx4j:lost-cancel"})
                  void run(Context ctx) {
                    CancellableContext c = ctx.withCancel();
                  }
                  @SuppressWarnings("ctx4j:broken-chain")
                  void otherCheckSuppressed(Context ctx) {
                    CancellableContext c = ctx.withCancel(); // BUG: lost-cancel
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void withMethodsOnNonContextReceivers_ignored() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  static class Builder {
                    Builder withTimeout(Duration d) { return this; }
                  }
                  void run(Builder b) {
                    Builder x = b.withTimeout(Duration.ofSeconds(1));
                    b.withTimeout(Duration.ofSeconds(2));
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void backgroundRoot_derivedAndCancelledInFinally_notReported() throws Exception {
    lint()
        .add(
            "a/Main.java",
            HEAD
                + """
                class Main {
                  public static void main(String[] args) {
                    CancellableContext c = Context.background().withTimeout(Duration.ofSeconds(5));
                    try {
                      System.out.println(c.deadline());
                    } finally {
                      c.cancel();
                    }
                  }
                }
                """)
        .expectMarked();
  }
}
