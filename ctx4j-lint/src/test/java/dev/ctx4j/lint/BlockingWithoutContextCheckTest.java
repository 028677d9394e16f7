package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockingWithoutContextCheckTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      package a;
      import dev.ctx4j.*;
      import java.time.Duration;
      import java.util.concurrent.*;
      """;

  private LintHelper lint() {
    return LintHelper.of(dir, "blocking-without-context");
  }

  @Test
  void threadSleep_withContextInScope_reportedWithCtxSleep() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx) throws InterruptedException {
                    Thread.sleep(100); // BUG: blocking-without-context "use ctx.sleep(duration)"
                    ctx.sleep(Duration.ofMillis(100));
                  }
                  void noContext() throws InterruptedException {
                    Thread.sleep(100);
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void untimedFutureGet_reported_timedGet_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  Object run(Context ctx, Future<String> f, CompletableFuture<String> cf) throws Exception {
                    f.get(); // BUG: blocking-without-context "ctx.get(f)"
                    cf.get(); // BUG: blocking-without-context
                    f.get(1, TimeUnit.SECONDS);
                    return ctx.get(f);
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void futureFromExecutor_typeResolvedBySymbolSolver_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  int run(Context ctx, ExecutorService ex) throws Exception {
                    var f = ex.submit(() -> 1);
                    return f.get(); // BUG: blocking-without-context
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void queueTakeAndPut_reported_poll_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void run(Context ctx, BlockingQueue<String> q, LinkedBlockingDeque<String> d, java.util.Map<String, String> m)
                      throws Exception {
                    q.take(); // BUG: blocking-without-context "ctx.callInterruptibly(() -> q.take())"
                    d.put("x"); // BUG: blocking-without-context
                    q.poll(1, TimeUnit.SECONDS);
                    m.put("k", "v");
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void objectWaitAndLatchAwait_reported_contextAwait_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  private final Object lock = new Object();
                  void run(Context ctx, CountDownLatch latch) throws Exception {
                    synchronized (lock) {
                      lock.wait(); // BUG: blocking-without-context "Object.wait()"
                    }
                    latch.await(); // BUG: blocking-without-context "callInterruptibly"
                    latch.await(1, TimeUnit.SECONDS);
                    ctx.await();
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void httpClientSend_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                import java.net.http.*;
                class A {
                  String run(Context ctx, HttpClient client, HttpRequest req) throws Exception {
                    return client.send(req, HttpResponse.BodyHandlers.ofString()).body(); // BUG: blocking-without-context "aborts the exchange"
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void jdbc_driverManagerConnection_reported_contextDataSource_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                import java.sql.*;
                import dev.ctx4j.jdbc.ContextDataSource;
                class A {
                  void bad(Context ctx, String url) throws SQLException {
                    try (Connection c = DriverManager.getConnection(url);
                        PreparedStatement st = c.prepareStatement("select 1")) {
                      st.executeQuery(); // BUG: blocking-without-context "ContextDataSource"
                    }
                  }
                  void good(Context ctx, ContextDataSource ds) throws SQLException {
                    try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                      st.execute("select 1");
                    }
                  }
                  void unknownOrigin(Context ctx, Connection c) throws SQLException {
                    try (Statement st = c.createStatement()) {
                      st.executeUpdate("delete from t");
                    }
                  }
                }
                """)
        .expectMarked();
  }

  @Test
  void contextLocal_orTaskLambdaParameter_countsAsInScope() throws Exception {
    lint()
        .add(
            "a/A.java",
            HEAD
                + """
                class A {
                  void local() throws Exception {
                    try (var c = Context.background().withTimeout(Duration.ofSeconds(1))) {
                      Thread.sleep(5); // BUG: blocking-without-context "without 'c'"
                    }
                  }
                  void task(TaskGroup g) {
                    g.fork(ctx -> {
                      Thread.sleep(5); // BUG: blocking-without-context "without 'ctx'"
                      return 1;
                    });
                  }
                  void before() throws Exception {
                    Thread.sleep(5);
                    Context c = Context.background();
                    c.isDone();
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
                  @SuppressWarnings("ctx4j:blocking-without-context")
                  void run(Context ctx) throws InterruptedException {
                    Thread.sleep(1);
                  }
                }
                """)
        .expectMarked();
  }
}
