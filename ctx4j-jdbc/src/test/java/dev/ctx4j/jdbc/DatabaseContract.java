package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.junit.internal.ChainCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What ctx4j-jdbc promises, checked against a real database: one subclass per database. Queries
 * carry a unique tag so that the server's own view of running queries ({@code pg_stat_activity},
 * {@code information_schema.processlist}, H2's {@code INFORMATION_SCHEMA.SESSIONS}) can prove that
 * the work stopped, even with other clients on the same server.
 */
abstract class DatabaseContract {
  /** Long queries run for a minute unless stopped; a test that took that long did not stop one. */
  private static final Duration LONG_QUERY = Duration.ofSeconds(60);

  private static final Duration SERVER_SETTLES = Duration.ofSeconds(10);

  abstract Db db();

  private DataSource ds;

  @BeforeEach
  void requireDatabase() {
    db().requireReachable();
    ds = ContextDataSource.wrap(db().rawDataSource());
  }

  @AfterEach
  void nothingLeftBound() {
    assertSame(Context.background(), Context.current());
  }

  private String tag(String what) {
    return "ctx4j_" + what + "_" + Long.toHexString(System.nanoTime());
  }

  @Test
  void preparedStatement_contextCancelledWhileQueryRuns_throwsCancelWithCauseAndServerStops()
      throws Exception {
    String tag = tag("cancel");
    IllegalStateException why = new IllegalStateException("client went away");
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(db().longQuery(tag));
        CancellableContext ctx = Context.background().withCancel()) {
      long start = System.nanoTime();
      Canceller canceller = Canceller.whenRunning(db(), tag, ctx, why);
      ContextCancelledException e =
          assertThrows(ContextCancelledException.class, () -> ctx.call(ps::executeQuery));
      long tookNanos = System.nanoTime() - start;
      canceller.join();
      assertSame(why, e.getCause());
      assertTrue(tookNanos < LONG_QUERY.toNanos(), "the query ran to its end instead of stopping");
      db().awaitNoneRunning(tag, SERVER_SETTLES);
      assertEquals(0, ps.getQueryTimeout(), "no deadline: the timeout is left alone");
      assertReusable(c);
    }
  }

  @Test
  void traced_cancelWhileQueryRuns_cancelSentAndQueryStoppedAreHopsInTheDatabaseLane()
      throws Exception {
    String tag = tag("hops");
    try (ChainCapture capture = new ChainCapture();
        Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(db().longQuery(tag));
        CancellableContext ctx = Context.background().withCancel()) {
      Canceller canceller =
          Canceller.whenRunning(db(), tag, ctx, new IllegalStateException("stop the query"));
      assertThrows(ContextCancelledException.class, () -> ctx.call(ps::executeQuery));
      canceller.join();
      var sent = capture.await(HopKind.QUERY_CANCEL_SENT);
      var stopped = capture.await(HopKind.QUERY_STOPPED);
      assertEquals(Trace.DATABASE, sent.lane());
      assertEquals(Trace.DATABASE, stopped.lane());
      assertEquals("executeQuery", stopped.detail());
      assertSame(ctx, stopped.context());
      assertEquals(Trace.threadName(Thread.currentThread()), stopped.thread());
      assertTrue(stopped.offsetNanos() >= sent.offsetNanos(), "stopped before the cancel was sent");
      assertTrue(stopped.index() > sent.index());
    }
  }

  @Test
  void statement_deadlinePassesWhileQueryRuns_throwsDeadlineExceededAndServerStops()
      throws Exception {
    String tag = tag("deadline");
    Duration timeout = Duration.ofMillis(700);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      long start = System.nanoTime();
      CancellableContext ctx = Context.background().withTimeout(timeout);
      DeadlineExceededException e =
          assertThrows(
              DeadlineExceededException.class,
              () -> ctx.call(() -> s.executeQuery(db().longQuery(tag))));
      long tookNanos = System.nanoTime() - start;
      assertNull(e.getCause(), "no custom cause was given");
      assertTrue(tookNanos >= timeout.toNanos(), "stopped before the deadline: " + tookNanos);
      assertTrue(tookNanos < LONG_QUERY.toNanos(), "the query ran to its end instead of stopping");
      db().awaitNoneRunning(tag, SERVER_SETTLES);
      assertEquals(0, s.getQueryTimeout(), "the capped timeout was restored");
      assertReusable(c);
    }
  }

  @Test
  void statement_deadlineWithCause_reportsTheCauseAndServerStops() throws Exception {
    String tag = tag("deadlinecause");
    IllegalStateException why = new IllegalStateException("budget of the request");
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300), why)) {
      DeadlineExceededException e =
          assertThrows(
              DeadlineExceededException.class,
              () -> ctx.call(() -> s.executeQuery(db().longQuery(tag))));
      assertSame(why, e.getCause());
      assertInstanceOf(SQLException.class, e.getSuppressed()[0]);
      assertFalse(
          OutcomeUnknownException.isAttachedTo(e), "the server reports the query it aborted");
      db().awaitNoneRunning(tag, SERVER_SETTLES);
    }
  }

  @Test
  void getConnection_insideLiveContext_connectionWorksAndSurvivesTheContext() throws Exception {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMinutes(1))) {
      Connection c = ctx.call(ds::getConnection);
      ctx.cancel();
      try (c) {
        assertEquals(7, shortQuery(c, 7), "a query outside the ended context still runs");
      }
    }
  }

  /**
   * The pgjdbc #412/#413 race: a cancel that arrives after its query finished must not kill the
   * next query on the same pooled connection. Each round races a cancel against a short query at a
   * random moment (before, during or after it), then runs another query on the same connection
   * (pool of one) with no context: that query must always succeed with its own result.
   */
  @Test
  void cancelThenReuse_1000RoundsOnHikariPoolOfOne_neverHitsTheNextQuery() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    HikariConfig config = new HikariConfig();
    config.setDataSource(db().rawDataSource());
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(10_000);
    config.setPoolName("ctx4j-race-" + db());
    try (HikariDataSource pool = new HikariDataSource(config)) {
      DataSource wrapped = ContextDataSource.wrap(pool);
      long typicalNanos = typicalShortQueryNanos(wrapped);
      int cancelled = 0;
      int completed = 0;
      for (int round = 0; round < 1000; round++) {
        String where = db() + " round " + round + " (seed " + seed + ")";
        long delay = (long) (random.nextDouble() * 2 * typicalNanos);
        CancellableContext ctx = Context.background().withCancel();
        Thread canceller = Thread.ofVirtual().start(() -> cancelAfter(ctx, delay));
        int expected = round;
        try {
          assertEquals(expected, (int) ctx.call(() -> pooledShortQuery(wrapped, expected)), where);
          completed++;
        } catch (ContextCancelledException e) {
          cancelled++;
        } catch (Exception e) {
          fail(where + ": the raced query failed with something other than the context", e);
        }
        canceller.join();
        try {
          assertEquals(-expected, pooledShortQuery(wrapped, -expected), where);
        } catch (Exception e) {
          fail(where + ": the query after a cancelled one was hit", e);
        }
      }
      System.out.printf(
          "%s: 1000 rounds, %d cancelled, %d completed, typical query %d us%n",
          db(), cancelled, completed, typicalNanos / 1000);
      assertTrue(
          cancelled > 0, "no round was cancelled: the race was never run (seed " + seed + ")");
      assertTrue(completed > 0, "no round completed: the race was never run (seed " + seed + ")");
    }
  }

  private static void cancelAfter(CancellableContext ctx, long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait(); // sub-millisecond precision: a timed park would round up
    }
    ctx.cancel();
  }

  private long typicalShortQueryNanos(DataSource pool) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      pooledShortQuery(pool, i);
    }
    return (System.nanoTime() - start) / 20;
  }

  private int pooledShortQuery(DataSource pool, int n) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return shortQuery(c, n);
    }
  }

  /** Runs the short query: a cancel that reaches it makes it fail. */
  private int shortQuery(Connection c, int n) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(db().shortQuery())) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return rs.getInt(1);
      }
    }
  }

  private void assertReusable(Connection c) throws SQLException {
    assertEquals(42, shortQuery(c, 42), "the connection still works after the cancel");
  }
}
