package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patterns measured as missed or wrong on service code, each with the reported shape and the
 * correct shape next to it (every marked line must be reported, nothing else).
 */
class RealisticPatternsTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      import java.util.*;
      import java.util.concurrent.*;
      """;

  @Test
  void lostCancel_inlineArgument_reportedUnlessTheCalleeTakesOwnership() throws Exception {
    LintHelper.of(dir, "lost-cancel")
        .add(
            "a/Repo.java",
            HEAD
                + """
                class Repo {
                  String find(Context ctx, String key) { return key; }
                  String findThenCancel(CancellableContext ctx, String key) {
                    try { return key; } finally { ctx.cancel(); }
                  }
                  String leaks(Context req) {
                    return find(req.withTimeout(Duration.ofMillis(300)), "k"); // BUG: lost-cancel "inline as an argument of find"
                  }
                  String owned(Context req) {
                    return findThenCancel(req.withTimeout(Duration.ofMillis(300)), "k");
                  }
                  String scoped(Context req) {
                    try (var c = req.withTimeout(Duration.ofMillis(300))) { return find(c, "k"); }
                  }
                  void stored(Context req, List<Context> all) {
                    all.add(req.withCancel());
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void lostCancel_continueInRetryLoop_reportedUnlessCancelledFirst() throws Exception {
    LintHelper.of(dir, "lost-cancel")
        .add(
            "a/Client.java",
            HEAD
                + """
                class Client {
                  int send(Context c) { return 503; }
                  int leaks(Context ctx) {
                    for (int i = 0; ; i++) {
                      CancellableContext call = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel "this continue"
                      int s = send(call);
                      if (s == 503 && i < 3) {
                        continue;
                      }
                      call.cancel();
                      return s;
                    }
                  }
                  int breaks(Context ctx) {
                    int s = 0;
                    while (true) {
                      CancellableContext call = ctx.withTimeout(Duration.ofSeconds(1)); // BUG: lost-cancel "this break"
                      s = send(call);
                      if (s != 503) {
                        break;
                      }
                      call.cancel();
                    }
                    return s;
                  }
                  int cancelsFirst(Context ctx) {
                    for (int i = 0; ; i++) {
                      CancellableContext call = ctx.withTimeout(Duration.ofSeconds(1));
                      int s = send(call);
                      call.cancel();
                      if (s == 503 && i < 3) {
                        continue;
                      }
                      return s;
                    }
                  }
                  int innerLoop(Context ctx, List<String> parts) {
                    CancellableContext call = ctx.withTimeout(Duration.ofSeconds(1));
                    try {
                      for (String p : parts) {
                        if (p.isEmpty()) {
                          continue;
                        }
                        send(call);
                      }
                      return 0;
                    } finally {
                      call.cancel();
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void lostCancel_fieldDroppedByStop_reportedEvenWhenALambdaReadsIt() throws Exception {
    LintHelper.of(dir, "lost-cancel")
        .add(
            "a/Poller.java",
            HEAD
                + """
                class Poller {
                  private CancellableContext polling;
                  void start(Context parent) {
                    polling = parent.withCancel(); // BUG: lost-cancel "field 'polling'"
                    Thread.ofVirtual().start(() -> poll(polling));
                  }
                  void stop() { polling = null; }
                  void poll(Context c) { c.isDone(); }
                }
                """)
        .add(
            "a/GoodPoller.java",
            HEAD
                + """
                class GoodPoller {
                  private CancellableContext polling;
                  void start(Context parent) {
                    polling = parent.withCancel();
                    Thread.ofVirtual().start(() -> poll(polling));
                  }
                  void stop() { polling.cancel(); }
                  void poll(Context c) { c.isDone(); }
                }
                """)
        .expectMarked();
  }

  @Test
  void lostCancel_handedToAnOwnerOrToACancellingCallback_notReported() throws Exception {
    LintHelper.of(dir, "lost-cancel")
        .add(
            "a/Jobs.java",
            HEAD
                + """
                class Jobs {
                  void whenFinished(Runnable r) {}
                  static void runBounded(CancellableContext scope, Runnable job) {
                    try { scope.run(job); } finally { scope.cancel(); }
                  }
                  void byMethodReference(Context parent) {
                    CancellableContext scope = parent.withCancel();
                    whenFinished(scope::cancel);
                  }
                  CompletableFuture<Void> byLambda(Context parent, Executor e) {
                    CancellableContext scope = parent.withCancel();
                    return CompletableFuture.runAsync(() -> {}, e).whenComplete((v, t) -> scope.cancel());
                  }
                  void byOwner(Context parent, Runnable job) {
                    CancellableContext scope = parent.withCancel();
                    runBounded(scope, job);
                  }
                  boolean ownerOnOnePathOnly(Context parent, Runnable job, boolean due) {
                    CancellableContext scope = parent.withCancel(); // BUG: lost-cancel "this return"
                    if (!due) {
                      return false;
                    }
                    runBounded(scope, job);
                    return true;
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void brokenChain_throughAForkedLambdaThatDropsItsContext() throws Exception {
    LintHelper.of(dir, "broken-chain")
        .add(
            "a/Job.java",
            HEAD
                + """
                class Job {
                  private final Builder report = new Builder();
                  void run(TaskGroup g, List<String> days) {
                    for (String d : days) {
                      g.fork(c -> report.build(d));
                    }
                  }
                  void rerun(TaskGroup g, List<String> days) {
                    for (String d : days) {
                      g.fork(c -> report.buildWithin(c, d));
                    }
                  }
                }
                """)
        .add(
            "a/Builder.java",
            HEAD
                + """
                class Builder {
                  String build(String day) {
                    return day + Context.background().isDone(); // BUG: broken-chain "'c'"
                  }
                  String buildWithin(Context ctx, String day) {
                    return day + ctx.isDone();
                  }
                  String nightly(String day) {
                    return day + Context.background().isDone();
                  }
                  static void main(String[] a) {
                    new Builder().nightly("today");
                    new Runner().start(() -> new Builder().nightly("x"));
                  }
                }
                """)
        .add(
            "a/Runner.java",
            HEAD
                + """
                class Runner {
                  void start(Runnable r) { r.run(); }
                }
                """)
        .expectMarked();
  }

  @Test
  void brokenChain_callerInAnotherClassThroughAnInterface() throws Exception {
    LintHelper.of(dir, "broken-chain")
        .add(
            "a/Mailer.java",
            HEAD
                + """
                interface Mailer { void send(String to); }
                """)
        .add(
            "a/SmtpMailer.java",
            HEAD
                + """
                class SmtpMailer implements Mailer {
                  public void send(String to) {
                    Context.background().isDone(); // BUG: broken-chain "Shipping#ship"
                  }
                }
                """)
        .add(
            "a/Shipping.java",
            HEAD
                + """
                class Shipping {
                  private final SmtpMailer mailer = new SmtpMailer();
                  void ship(Context ctx, String to) {
                    mailer.send(to);
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void blocking_jdbcOnAPlainDataSourceField_reportedButNotOnAWrappedOne() throws Exception {
    LintHelper.of(dir, "blocking-without-context")
        .add(
            "a/Export.java",
            HEAD
                + """
                import java.sql.*;
                import javax.sql.DataSource;
                class Export {
                  private final DataSource plain;
                  private final DataSource wrapped;
                  Export(DataSource pool) {
                    this.plain = pool;
                    this.wrapped = dev.ctx4j.jdbc.ContextDataSource.wrap(pool);
                  }
                  void run(Context ctx) throws Exception {
                    try (Connection c = plain.getConnection();
                        PreparedStatement ps = c.prepareStatement("select 1")) {
                      ps.executeQuery(); // BUG: blocking-without-context "ContextDataSource"
                      ps.executeBatch(); // BUG: blocking-without-context
                    }
                    try (Connection c = wrapped.getConnection();
                        PreparedStatement ps = c.prepareStatement("select 1")) {
                      ps.executeQuery();
                    }
                  }
                  void startup() throws Exception {
                    try (Connection c = plain.getConnection();
                        PreparedStatement ps = c.prepareStatement("select 1")) {
                      ps.executeQuery();
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void blocking_untimedAllOfGet_reportedButNotThroughTheContextOrInsideCallInterruptibly()
      throws Exception {
    LintHelper.of(dir, "blocking-without-context")
        .add(
            "a/Fan.java",
            HEAD
                + """
                class Fan {
                  void run(Context ctx, CompletableFuture<?> a, CompletableFuture<?> b) throws Exception {
                    CompletableFuture.allOf(a, b).get(); // BUG: blocking-without-context "ctx.get"
                    ctx.get(CompletableFuture.allOf(a, b));
                    CompletableFuture.allOf(a, b).get(1, TimeUnit.SECONDS);
                    ctx.callInterruptibly(() -> CompletableFuture.allOf(a, b).get());
                  }
                  void noContext(CompletableFuture<?> a) throws Exception {
                    CompletableFuture.allOf(a).get();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void fatContext_throughATemporary() throws Exception {
    LintHelper.of(dir, "fat-context")
        .add(
            "a/Batches.java",
            HEAD
                + """
                class Batches {
                  static final Key<Integer> N = Key.named("n");
                  void grows(Context ctx, List<String> items) {
                    Context c = ctx;
                    for (int i = 0; i < items.size(); i++) {
                      Context tmp = c.withValue(N, i);
                      c = tmp; // BUG: fat-context
                    }
                  }
                  void growsByAssignment(Context ctx, List<String> items) {
                    Context c = ctx;
                    Context tmp;
                    for (String s : items) {
                      tmp = c.withValue(N, s.length());
                      c = tmp; // BUG: fat-context
                    }
                  }
                  void flat(Context ctx, List<String> items) {
                    Context c = ctx;
                    for (int i = 0; i < items.size(); i++) {
                      Context tmp = ctx.withValue(N, i);
                      c = tmp;
                    }
                    c.isDone();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void contextInField_holderWhoseCloseCancelsIt_notReported() throws Exception {
    LintHelper.of(dir, "context-in-field")
        .add(
            "a/Scope.java",
            HEAD
                + """
                record Scope(CancellableContext ctx, String id) implements AutoCloseable {
                  public void close() { ctx.cancel(); }
                }
                record Job(Context ctx, String name) {} // BUG: context-in-field
                final class Watcher implements AutoCloseable {
                  private final CancellableContext scope;
                  private final CancellableContext other; // BUG: context-in-field
                  Watcher(Context p) { scope = p.withCancel(); other = p.withCancel(); }
                  public void close() { scope.cancel(); }
                }
                """)
        .expectMarked();
  }
}
