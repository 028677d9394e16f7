package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.junit.internal.FaultProxy;
import dev.ctx4j.junit.internal.FaultReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What ctx4j-jdbc promises when the database misbehaves, on a real server: the backend dies under a
 * running query (with and without a cancel in flight), the cancel cannot be delivered because new
 * connections to the server hang, and the pool is exhausted while the waiters' contexts end. Each
 * checks that the caller gets a clear exception within a bound, that no thread stays blocked past
 * it, and that the pool ends with all its connections idle.
 */
abstract class DatabaseFaultsContract {
  /** The bound on every answer below; the work itself would run for a minute. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  abstract Db db();

  @BeforeEach
  void requireDatabase() {
    db().requireReachable();
  }

  /** The tags of this test's long queries: whatever happened, none may run on after it. */
  private final List<String> tags = new ArrayList<>();

  private String tag(String what) {
    String tag = "ctx4j_fault_" + what + "_" + Long.toHexString(System.nanoTime());
    tags.add(tag);
    return tag;
  }

  @AfterEach
  void noQueryLeftRunning() throws SQLException {
    for (String tag : tags) {
      db().killSessionsRunning(tag); // a failed test may leave its hours-long scan behind
    }
  }

  private HikariDataSource pool(DataSource raw, int size, String name) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(raw);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(30_000);
    config.setPoolName("ctx4j-faults-" + name + "-" + db());
    return new HikariDataSource(config);
  }

  @Test
  void backendDiesUnderALiveContext_callerGetsTheDriversExceptionAndThePoolHeals()
      throws Exception {
    String tag = tag("dies");
    try (HikariDataSource pool = pool(db().rawDataSource(), 2, "dies")) {
      DataSource ds = ContextDataSource.wrap(pool);
      CompletableFuture<Object> outcome =
          runTagged(ds, tag, Context.background().withTimeout(Duration.ofMinutes(1)));
      db().awaitRunning(tag, BOUND);
      assertEquals(1, db().killSessionsRunning(tag));
      Throwable failure = failureWithin(outcome);
      assertInstanceOf(SQLException.class, failure, "the context is live: the driver's exception");
      awaitHealthy(pool, 2);
      FaultReport.row(
          db() + ": the backend is killed under a running query, context live",
          "once",
          "the driver's "
              + failure.getClass().getSimpleName()
              + "; the pool replaced the connection",
          "nothing");
    }
  }

  @Test
  void backendDiesWhileItsCancelIsInFlight_callerGetsTheContextsExceptionAndThePoolHeals()
      throws Exception {
    String tag = tag("dies_cancel");
    try (HikariDataSource pool = pool(db().rawDataSource(), 2, "diescancel")) {
      DataSource ds = ContextDataSource.wrap(pool);
      CancellableContext ctx = Context.background().withCancel();
      CompletableFuture<Object> outcome = runTagged(ds, tag, ctx);
      db().awaitRunning(tag, BOUND);
      Thread killer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      db().killSessionsRunning(tag);
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      ctx.cancel(new IllegalStateException("client left"));
      killer.join();
      Throwable failure = failureWithin(outcome);
      ContextCancelledException e = assertInstanceOf(ContextCancelledException.class, failure);
      assertEquals("client left", e.getCause().getMessage());
      awaitHealthy(pool, 2);
      FaultReport.row(
          db() + ": the backend is killed while the query's cancel is in flight",
          "once",
          "the context's exception with its cause; the pool replaced the connection",
          "nothing");
    }
  }

  @Test
  void cancelCannotBeDelivered_cancellerNeverBlocksAndTheCallerGetsTheContextsException()
      throws Exception {
    Assumptions.assumeTrue(
        db() == Db.POSTGRES,
        "MariaDB Connector/J sends KILL QUERY, and abort() a KILL, each over a new connection:"
            + " when new connections hang, neither reaches the server (docs/adr/0049)");
    String tag = tag("unreachable");
    Duration abortAfter = Duration.ofMillis(300);
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", db().port());
        HikariDataSource pool = pool(db().rawDataSource(proxy.port()), 1, "unreachable")) {
      DataSource ds = ContextDataSource.wrap(pool, abortAfter);
      CancellableContext ctx = Context.background().withCancel();
      CompletableFuture<Object> outcome = runTagged(ds, tag, ctx);
      db().awaitRunning(tag, BOUND);
      proxy.stallNew(); // the cancel's own connection (PostgreSQL, MariaDB) will hang
      long start = System.nanoTime();
      ctx.cancel();
      long cancelNanos = System.nanoTime() - start;
      assertTrue(
          cancelNanos < TimeUnit.MILLISECONDS.toNanos(100),
          "cancel() blocked the cancelling thread for " + cancelNanos / 1000 + " us");
      Throwable failure = failureWithin(outcome);
      long answeredNanos = System.nanoTime() - start;
      ContextCancelledException e = assertInstanceOf(ContextCancelledException.class, failure);
      assertTrue(
          OutcomeUnknownException.isAttachedTo(e), "the connection was aborted: outcome unknown");
      assertTrue(
          answeredNanos >= abortAfter.toNanos(),
          "answered before abortAfter: " + answeredNanos / 1000 + " us");
      System.out.printf(
          "%s: cancel undeliverable, caller answered after %d ms (abortAfter %d ms; pgjdbc holds"
              + " the call until its own cancel gives up: cancelSignalTimeout 3 s)%n",
          db(), answeredNanos / 1_000_000, abortAfter.toMillis());
      db().killSessionsRunning(tag); // the server never heard the cancel: tidy up
      proxy.resumeNew(); // the server is reachable again: the pool replaces the aborted connection
      awaitHealthy(pool, 1);
      FaultReport.row(
          db() + ": new connections hang (stalled proxy), so the cancel cannot be delivered",
          "once",
          "ctx.cancel() returned in "
              + cancelNanos / 1000
              + " us; the caller got the context's exception (outcome unknown) after "
              + answeredNanos / 1_000_000
              + " ms, the connection aborted",
          "nothing");
    }
  }

  @Test
  void connectionResetWhileTheContextEnds_callerGetsTheContextsExceptionAndThePoolHeals()
      throws Exception {
    String tag = tag("reset");
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", db().port());
        HikariDataSource pool = pool(db().rawDataSource(proxy.port()), 1, "reset")) {
      DataSource ds = ContextDataSource.wrap(pool);
      CancellableContext ctx = Context.background().withTimeout(Duration.ofMinutes(1));
      CompletableFuture<Object> outcome = runTagged(ds, tag, ctx);
      db().awaitRunning(tag, BOUND);
      proxy.resetAll(); // the network drops the connection under the query
      ctx.cancel();
      Throwable failure = failureWithin(outcome);
      if (failure instanceof ContextCancelledException e) {
        assertTrue(
            OutcomeUnknownException.isAttachedTo(e) || e.getSuppressed().length > 0,
            "the driver's failure is attached");
      } else {
        assertInstanceOf(SQLException.class, failure, "the reset came first: the driver's own");
      }
      db().killSessionsRunning(tag); // the server may not have noticed yet
      awaitHealthy(pool, 1);
      FaultReport.row(
          db() + ": the TCP connection is reset under a running query as its context ends",
          "once",
          failure.getClass().getSimpleName() + "; the pool replaced the connection",
          "nothing");
    }
  }

  @Test
  void exhaustedPool_everyWaiterGivesUpWithItsContextAndNoConnectionLeaks() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (HikariDataSource pool = pool(db().rawDataSource(), 2, "exhausted")) {
      DataSource ds = ContextDataSource.wrap(pool);
      Connection held1 = ds.getConnection();
      Connection held2 = ds.getConnection();
      int waiters = 50;
      List<CompletableFuture<Long>> late = new ArrayList<>();
      for (int i = 0; i < waiters; i++) {
        Duration timeout = Duration.ofMillis(20 + random.nextInt(200));
        CompletableFuture<Long> f = new CompletableFuture<>();
        late.add(f);
        Thread.ofVirtual()
            .start(
                () -> {
                  try (CancellableContext ctx = Context.background().withTimeout(timeout)) {
                    try (Connection c = ctx.call(ds::getConnection)) {
                      f.completeExceptionally(new AssertionError("got a connection: " + c));
                    } catch (DeadlineExceededException e) {
                      // how late after its deadline the waiter gave up
                      f.complete(-ctx.deadline().orElseThrow().remaining().toNanos());
                    } catch (Exception e) {
                      f.completeExceptionally(e);
                    }
                  }
                });
      }
      long worstLateNanos = 0;
      for (CompletableFuture<Long> f : late) {
        try {
          worstLateNanos = Math.max(worstLateNanos, f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
          fail("a waiter did not give up with its context (seed " + seed + ")", e.getCause());
        }
      }
      assertTrue(
          worstLateNanos < TimeUnit.SECONDS.toNanos(1),
          "a waiter gave up " + worstLateNanos / 1_000_000 + " ms after its deadline");
      System.out.printf(
          "%s: %d waiters on an exhausted pool of 2, the latest gave up %d ms after its deadline%n",
          db(), waiters, worstLateNanos / 1_000_000);
      held1.close();
      held2.close();
      awaitHealthy(pool, 2); // connections that reached abandoned waiters went back
      FaultReport.row(
          db()
              + ": "
              + waiters
              + " acquisitions wait on an exhausted pool of 2 as their contexts end",
          "once",
          "each gave up with its deadline, the latest "
              + worstLateNanos / 1_000_000
              + " ms after it; the pool back to 2 idle",
          "nothing: no connection leaked");
    }
  }

  /**
   * Starts the long query tagged {@code tag} under {@code ctx} on a virtual thread; the future
   * completes when the statement's call returns or throws, before the statement is closed (a driver
   * may hold the statement's close until its own cancel attempt gives up).
   */
  private CompletableFuture<Object> runTagged(DataSource ds, String tag, CancellableContext ctx) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (Connection c = ds.getConnection();
                  Statement s = c.createStatement()) {
                try {
                  outcome.complete(ctx.call(() -> s.executeQuery(db().longQuery(tag))));
                } catch (Throwable t) {
                  outcome.completeExceptionally(t);
                }
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              } finally {
                ctx.cancel();
              }
            });
    return outcome;
  }

  /** The exception the work failed with, within {@link #BOUND}. */
  private static Throwable failureWithin(CompletableFuture<Object> outcome) throws Exception {
    // handle(): get() would throw a ContextException (a CancellationException) as it is
    CompletableFuture<Throwable> failure = outcome.handle((result, t) -> t);
    Throwable t;
    try {
      t = failure.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("the work did not end within " + BOUND + "; threads:\n" + ctx4jThreads());
    }
    if (t == null) {
      return fail("the work returned " + outcome.join() + " instead of failing");
    }
    if (t instanceof ContextException || t instanceof SQLException) {
      return t;
    }
    return fail("the work failed with something unexpected", t);
  }

  /** The stacks of the threads (virtual ones too) that run ctx4j code, for a failure message. */
  private static String ctx4jThreads() {
    try {
      java.nio.file.Path file =
          java.nio.file.Files.createTempDirectory("ctx4j-threads").resolve("threads.txt");
      String jcmd =
          java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      new ProcessBuilder(
              jcmd, "" + ProcessHandle.current().pid(), "Thread.dump_to_file", file.toString())
          .inheritIO()
          .start()
          .waitFor(30, TimeUnit.SECONDS);
      StringBuilder b = new StringBuilder();
      for (String block : java.nio.file.Files.readString(file).split("\n\n")) {
        if (block.contains("dev.ctx4j.jdbc") || block.contains("org.postgresql")) {
          b.append(block).append("\n\n");
        }
      }
      return b.toString();
    } catch (java.io.IOException e) {
      return "(no thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(no thread dump: interrupted)";
    }
  }

  /** The pool ends with {@code size} idle connections that work, none active or awaited. */
  private static void awaitHealthy(HikariDataSource pool, int size) throws SQLException {
    long end = System.nanoTime() + BOUND.toNanos();
    while (pool.getHikariPoolMXBean().getIdleConnections() != size
        || pool.getHikariPoolMXBean().getActiveConnections() != 0) {
      if (System.nanoTime() - end > 0) {
        fail(
            "pool not back to "
                + size
                + " idle: idle "
                + pool.getHikariPoolMXBean().getIdleConnections()
                + ", active "
                + pool.getHikariPoolMXBean().getActiveConnections());
      }
      LockSupport.parkNanos(10_000_000L); // the pool replaces broken connections on its own
    }
    // Every connection of the pool answers. A backend killed while its connection sat idle in
    // the pool (the kill raced the cancel that had already freed it) fails once, with a
    // connection error (08xxx, or 57P01 on PostgreSQL) on which the pool evicts it: replaced, so
    // the check goes on until size connections in a row have answered.
    int answered = 0;
    int replaced = 0;
    while (answered < size) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        assertFalse(c.isClosed());
        s.execute("SELECT 1");
        answered++;
      } catch (SQLException e) {
        String state = e.getSQLState();
        boolean broken = state != null && (state.startsWith("08") || state.startsWith("57P0"));
        if (!broken || ++replaced > size) {
          throw e;
        }
        answered = 0;
      }
    }
  }
}
