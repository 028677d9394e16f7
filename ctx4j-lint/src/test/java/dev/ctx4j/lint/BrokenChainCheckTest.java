package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokenChainCheckTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      """;

  private LintHelper lint() {
    return LintHelper.of(dir, "broken-chain");
  }

  @Test
  void backgroundInMethodWithContextParameter_reportedNamingTheParameter() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/A.java",
                HEAD
                    + """
                    class A {
                      void handle(Context ctx) {
                        Context fresh = Context.background(); // BUG: broken-chain "drops 'ctx'"
                        fresh.isDone();
                      }
                      void undecided(Context request) {
                        Context.todo().isDone(); // BUG: broken-chain "Context.todo() drops 'request'"
                      }
                    }
                    """)
            .expectMarked();
    assertEquals(5, f.get(0).related().line(), "related location is the parameter");
  }

  @Test
  void intentionalRoot_onMethodOrClass_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  @IntentionalRoot("outlives the request")
                  void start(Context ctx) {
                    Context.background().withCancel().cancel();
                    Runnable r = () -> Context.background().isDone();
                  }
                  @dev.ctx4j.IntentionalRoot
                  static final class Jobs {
                    void run(Context ctx) {
                      Context.todo().isDone();
                    }
                  }
                  void handle(Context ctx) {
                    Context.background().isDone(); // BUG: broken-chain "drops 'ctx'"
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void qualifiedAndStaticImportedRoots_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import static dev.ctx4j.Context.background;
            class A {
              void handle(dev.ctx4j.Context ctx) {
                dev.ctx4j.Context.background().isDone(); // BUG: broken-chain
                background().isDone(); // BUG: broken-chain
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void backgroundInTaskLambda_reportedNamingTheLambdaParameter() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void fan(TaskGroup group) {
                    group.fork(ctx -> Context.background().isDone()); // BUG: broken-chain "drops 'ctx'"
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void helperReachedOnlyFromContextMethods_reportedNamingTheCaller() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/Svc.java",
                HEAD
                    + """
                    class Svc {
                      void handle(Context ctx) {
                        lookup("k");
                      }
                      void other(Context ctx) {
                        lookup("j");
                      }
                      private String lookup(String key) {
                        Context c = Context.background(); // BUG: broken-chain "Svc#handle (line 6) calls it without its context 'ctx'"
                        return key + c.isDone();
                      }
                    }
                    """)
            .expectMarked();
    assertEquals(6, f.get(0).related().line());
    assertTrue(f.get(0).related().message().contains("Svc#handle drops its context 'ctx'"));
  }

  @Test
  void transitiveChain_namesTheNearestCallerWithAContextAndThePath() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            HEAD
                + """
                class Svc {
                  void handle(Context ctx) {
                    step();
                  }
                  void step() {
                    leaf();
                  }
                  void leaf() {
                    Context.background().isDone(); // BUG: broken-chain "via Svc#step"
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void helperAlsoCalledWithoutAnyContext_notReported() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            HEAD
                + """
                class Svc {
                  void handle(Context ctx) {
                    lookup();
                  }
                  void startup() {
                    lookup();
                  }
                  void lookup() {
                    Context.background().isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void entryPointsAndUncalledMethods_notReported() throws Exception {
    lint()
        .add(
            "a/Main.java",
            HEAD
                + """
                class Main {
                  static final Context ROOT = Context.background();
                  public static void main(String[] args) {
                    serve(Context.background());
                  }
                  static void serve(Context ctx) {
                    ctx.isDone();
                  }
                  void neverCalled() {
                    Context.todo().isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void callerInAFileWithoutCtx4j_makesTheCallersUnknown_notReported() throws Exception {
    lint()
        .add(
            "a/Svc.java",
            HEAD
                + """
                class Svc {
                  void handle(Context ctx) {
                    refresh();
                  }
                  void refresh() {
                    Context.background().isDone();
                  }
                }
                """)
        .add(
            "a/Cron.java",
            """
            package a;
            class Cron {
              void tick(Svc s) {
                s.refresh();
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void callerInAnotherFile_relatedLocationIsInThatFile() throws Exception {
    List<Finding> f =
        lint()
            .add(
                "a/Api.java",
                HEAD
                    + """
                    class Api {
                      private final Store store = new Store();
                      void get(Context ctx) {
                        store.load();
                      }
                    }
                    """)
            .add(
                "a/Store.java",
                HEAD
                    + """
                    class Store {
                      void load() {
                        Context.background().isDone(); // BUG: broken-chain "Api#get"
                      }
                    }
                    """)
            .expectMarked();
    assertEquals("Api.java", f.get(0).related().file().getFileName().toString());
  }

  @Test
  void recursionAlone_provesNothing_notReported() throws Exception {
    lint()
        .add(
            "a/R.java",
            HEAD
                + """
                class R {
                  void ping(int n) {
                    if (n > 0) pong(n - 1);
                    Context.background().isDone();
                  }
                  void pong(int n) {
                    ping(n);
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void suppressedOnClass_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                @SuppressWarnings("ctx4j:broken-chain")
                class A {
                  void detach(Context ctx) {
                    Context.background().isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void derivingFromTheParameter_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void handle(Context ctx) {
                    try (CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1))) {
                      c.withoutCancel().isDone();
                    }
                  }
                }
                """)
        .expectMarked();
  }
}
