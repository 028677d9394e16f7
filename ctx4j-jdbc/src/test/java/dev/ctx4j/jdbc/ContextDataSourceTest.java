package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.DeadlineExceededException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbc.JdbcStatement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wrapper's rules, seen from the driver's side: a scripted {@link Fake} driver records exactly
 * which calls reach it; H2 covers what needs a real driver.
 */
class ContextDataSourceTest {
  private final Fake fake = new Fake();
  private final DataSource ds = ContextDataSource.wrap(fake.dataSource());

  @AfterEach
  void nothingLeftBound() {
    assertSame(Context.background(), Context.current());
  }

  // ---- bad input and wrapping ----------------------------------------------------------------

  @Test
  void wrap_null_throwsNpeNamingDataSource() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> ContextDataSource.wrap(null));
    assertEquals("dataSource", e.getMessage());
  }

  @Test
  void wrap_alreadyWrapped_returnsSameInstance() {
    ContextDataSource once = ContextDataSource.wrap(fake.dataSource());
    assertSame(once, ContextDataSource.wrap(once));
  }

  @Test
  void unwrap_null_throwsNpeNamingIface() throws SQLException {
    assertEquals(
        "iface", assertThrows(NullPointerException.class, () -> ds.unwrap(null)).getMessage());
    assertEquals(
        "iface",
        assertThrows(NullPointerException.class, () -> ds.isWrapperFor(null)).getMessage());
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      assertEquals(
          "iface", assertThrows(NullPointerException.class, () -> c.unwrap(null)).getMessage());
      assertEquals(
          "iface", assertThrows(NullPointerException.class, () -> s.unwrap(null)).getMessage());
    }
  }

  @Test
  void unwrap_driverTypes_reachTheDriverObjects() throws SQLException {
    JdbcDataSource h2 = (JdbcDataSource) Db.H2.rawDataSource();
    ContextDataSource wrapped = ContextDataSource.wrap(h2);
    assertSame(h2, wrapped.unwrap(JdbcDataSource.class));
    assertSame(wrapped, wrapped.unwrap(ContextDataSource.class));
    assertTrue(wrapped.isWrapperFor(JdbcDataSource.class));
    try (Connection c = wrapped.getConnection();
        Statement s = c.createStatement()) {
      assertInstanceOf(JdbcConnection.class, c.unwrap(JdbcConnection.class));
      assertFalse(c instanceof JdbcConnection, "the connection handed out is the wrapper");
      assertInstanceOf(JdbcStatement.class, s.unwrap(JdbcStatement.class));
      assertSame(s, s.unwrap(Statement.class));
      assertTrue(s.isWrapperFor(JdbcStatement.class));
    }
  }

  @Test
  void statements_haveTheRightInterfaces_andLeadBackToTheWrappedConnection() throws SQLException {
    try (Connection c = ContextDataSource.wrap(Db.H2.rawDataSource()).getConnection();
        Statement s = c.createStatement();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        CallableStatement cs = c.prepareCall("SELECT 1")) {
      assertSame(c, s.getConnection());
      assertSame(c, ps.getConnection());
      assertSame(c, cs.getConnection());
      assertInstanceOf(PreparedStatement.class, ps);
      assertInstanceOf(CallableStatement.class, cs);
      assertEquals(s, s);
      assertFalse(s.equals(ps));
      assertTrue(s.toString().startsWith("ctx4j Statement["), s.toString());
    }
  }

  // ---- contexts that have already ended ------------------------------------------------------

  @Test
  void execute_contextAlreadyCancelled_throwsItsCauseWithoutReachingTheDriver() throws Exception {
    IllegalStateException why = new IllegalStateException("shutting down");
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      CancellableContext ctx = Context.background().withCancel();
      ctx.cancel(why);
      ContextCancelledException e =
          assertThrows(ContextCancelledException.class, () -> ctx.run(() -> execute(ps)));
      assertSame(why, e.getCause());
      assertNotSame(ctx.err(), e);
      assertFalse(fake.executed(), fake.calls.toString());
    }
  }

  @Test
  void execute_deadlineAlreadyPassed_throwsDeadlineExceededWithoutReachingTheDriver()
      throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofNanos(-1))) {
      assertThrows(
          DeadlineExceededException.class, () -> ctx.call(() -> s.executeQuery("SELECT 1")));
      assertFalse(fake.executed(), fake.calls.toString());
    }
  }

  @Test
  void getConnection_contextAlreadyCancelled_throwsWithoutAskingTheDataSource() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    assertThrows(ContextCancelledException.class, () -> ctx.call(ds::getConnection));
    assertEquals(List.of(), fake.calls);
  }

  // ---- query timeout capped by the deadline --------------------------------------------------

  @Test
  void execute_deadlineIn2500ms_capsTimeoutAt3sForThisExecutionOnly() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(2500))) {
      ctx.call(() -> s.execute("SELECT 1"));
      assertEquals(3, fake.timeoutSeenByExecute);
      assertEquals(0, s.getQueryTimeout(), "restored after the execution");
      assertEquals(
          List.of(
              "DataSource.getConnection", "setQueryTimeout(3)", "execute", "setQueryTimeout(0)"),
          fake.calls);
    }
  }

  @Test
  void execute_userTimeoutSmallerThanDeadline_isKept() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(1))) {
      s.setQueryTimeout(5);
      ctx.call(() -> s.executeUpdate("UPDATE t SET x = 1"));
      assertEquals(5, fake.timeoutSeenByExecute);
      assertEquals(
          List.of("DataSource.getConnection", "setQueryTimeout(5)", "executeUpdate"), fake.calls);
    }
  }

  @Test
  void execute_userTimeoutLargerThanDeadline_isLoweredThenRestored() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(10))) {
      s.setQueryTimeout(100);
      ctx.call(() -> s.executeLargeUpdate("UPDATE t SET x = 1"));
      assertTrue(fake.timeoutSeenByExecute == 10, "seen: " + fake.timeoutSeenByExecute);
      assertEquals(100, s.getQueryTimeout());
    }
  }

  @Test
  void execute_enormousDeadline_capsAtIntegerMaxSeconds() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx =
            Context.background().withTimeout(Duration.ofSeconds(Long.MAX_VALUE))) {
      ctx.call(() -> s.execute("SELECT 1"));
      assertEquals(Integer.MAX_VALUE, fake.timeoutSeenByExecute);
    }
  }

  @Test
  void ceilSeconds_roundsUpAndStaysWithinOneAndIntMax() {
    assertEquals(1, StatementHandler.ceilSeconds(Duration.ofNanos(1)));
    assertEquals(1, StatementHandler.ceilSeconds(Duration.ofSeconds(1)));
    assertEquals(2, StatementHandler.ceilSeconds(Duration.ofMillis(1001)));
    assertEquals(1, StatementHandler.ceilSeconds(Duration.ZERO));
    assertEquals(1, StatementHandler.ceilSeconds(Duration.ofSeconds(-5)));
    assertEquals(Integer.MAX_VALUE, StatementHandler.ceilSeconds(Duration.ofDays(100_000)));
  }

  @Test
  void execute_backgroundContext_touchesNeitherTimeoutNorCancel() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
      assertEquals(List.of("DataSource.getConnection", "executeQuery"), fake.calls);
    }
  }

  // ---- cancel while executing ---------------------------------------------------------------

  @Test
  void execute_cancelSentButDriverCompletes_returnsTheResult() throws Exception {
    // A cancel that reached the database too late to stop the statement: the update is applied
    // (an autocommit INSERT, a COMMIT), so reporting it as cancelled would be a lie.
    CountDownLatch cancelled = new CountDownLatch(1);
    fake.onCancel = f -> cancelled.countDown();
    fake.behaviour =
        f -> {
          cancelled.await();
          return 1;
        };
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withCancel()) {
      cancelOnceExecuting(ctx);
      assertEquals(1, (int) ctx.call(() -> s.executeUpdate("INSERT")));
      assertTrue(ctx.isDone());
      assertTrue(fake.cancels.get() >= 1, "a cancel was sent");
      assertEquals(0, fake.resultSetsClosed.get());
    }
  }

  @Test
  void execute_cancelSentAndServerAbortedTheStatement_contextExceptionWithoutUnknownOutcome()
      throws Exception {
    for (SQLException aborted :
        List.of(
            new SQLException("canceling statement due to user request", "57014"),
            new SQLException("Query execution was interrupted", "70100", 1317),
            new SQLTimeoutException("timed out", "HY000", 1969),
            new SQLException("wrapped", "HY000", new SQLException("canceled", "57014")))) {
      ContextCancelledException e = cancelledExecution(aborted);
      assertSame(aborted, e.getSuppressed()[0]);
      assertFalse(OutcomeUnknownException.isAttachedTo(e), aborted.toString());
    }
  }

  @Test
  void execute_cancelSentAndConnectionBroke_contextExceptionSaysTheOutcomeIsUnknown()
      throws Exception {
    for (Exception broken :
        List.of(
            new SQLException("An I/O error occurred while sending to the backend", "08006"),
            new SQLException("connection reset", "08S01", new SQLException("canceled", "57014")),
            new SQLException("no state"),
            new IllegalStateException("driver bug"))) {
      ContextCancelledException e = cancelledExecution(broken);
      assertSame(broken, e.getSuppressed()[0]);
      assertTrue(OutcomeUnknownException.isAttachedTo(e), broken.toString());
      OutcomeUnknownException unknown = (OutcomeUnknownException) e.getSuppressed()[1];
      assertEquals("08007", unknown.getSQLState());
      assertSame(broken, unknown.getCause());
    }
  }

  @Test
  void outcomeUnknown_isAttachedTo_nullThrowsAndPlainExceptionsAreNot() {
    assertThrows(NullPointerException.class, () -> OutcomeUnknownException.isAttachedTo(null));
    assertFalse(OutcomeUnknownException.isAttachedTo(new ContextCancelledException()));
  }

  /** Runs one update on a fresh fake driver that fails with {@code failure} once cancelled. */
  private static ContextCancelledException cancelledExecution(Exception failure) throws Exception {
    Fake driver = new Fake();
    CountDownLatch cancelled = new CountDownLatch(1);
    driver.onCancel = f -> cancelled.countDown();
    driver.behaviour =
        f -> {
          cancelled.await();
          throw failure;
        };
    try (Connection c = ContextDataSource.wrap(driver.dataSource()).getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withCancel()) {
      cancelOnceExecuting(driver, ctx);
      return assertThrows(
          ContextCancelledException.class, () -> ctx.call(() -> s.executeUpdate("INSERT")));
    }
  }

  @Test
  void execute_cancelIgnoredByTheDriver_isRepeatedUntilTheExecutionEnds() throws Exception {
    // The first two cancels land before the driver has started (H2 and PostgreSQL ignore those).
    CountDownLatch thirdCancel = new CountDownLatch(3);
    fake.onCancel = f -> thirdCancel.countDown();
    fake.behaviour =
        f -> {
          thirdCancel.await();
          throw new SQLException("canceled", "57014");
        };
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withCancel()) {
      cancelOnceExecuting(ctx);
      ContextCancelledException e =
          assertThrows(ContextCancelledException.class, () -> ctx.call(() -> s.execute("x")));
      assertEquals("57014", ((SQLException) e.getSuppressed()[0]).getSQLState());
      assertTrue(fake.cancels.get() >= 3, "cancels: " + fake.cancels.get());
    }
  }

  @Test
  void execute_contextEndsAfterTheExecution_resultKeptAndNoCancelSent() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      CancellableContext ctx = Context.background().withCancel();
      ResultSet rs = ctx.call(() -> s.executeQuery("SELECT 1"));
      ctx.cancel();
      // The registration was stopped when the execution ended: a callback that ran anyway would
      // still find the execution finished. Either way no cancel may reach the driver.
      CountDownLatch afterCallbacks = new CountDownLatch(1);
      ctx.afterDone(afterCallbacks::countDown);
      afterCallbacks.await();
      assertEquals(0, fake.cancels.get());
      assertEquals(0, fake.resultSetsClosed.get());
      rs.close();
    }
  }

  @Test
  void execute_driverFailsWhileContextLive_rethrowsTheDriverException() throws Exception {
    DataSource h2 = ContextDataSource.wrap(Db.H2.rawDataSource());
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(1))) {
      SQLException e =
          assertThrows(SQLException.class, () -> ctx.call(() -> s.executeQuery("SELEKT 1")));
      assertEquals("42001", e.getSQLState(), e.toString());
    }
  }

  @Test
  void execute_userTimeoutFiresFirst_throwsTheDriversTimeoutNotTheContexts() throws Exception {
    DataSource h2 = ContextDataSource.wrap(Db.H2.rawDataSource());
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(1))) {
      s.setQueryTimeout(1);
      assertThrows(
          SQLTimeoutException.class, () -> ctx.call(() -> s.executeQuery(Db.H2.longQuery("t"))));
      assertFalse(ctx.isDone());
      assertEquals(1, s.getQueryTimeout());
    }
  }

  @Test
  void execute_callableStatementOnH2_stopsWhenCancelled() throws Exception {
    DataSource h2 = ContextDataSource.wrap(Db.H2.rawDataSource());
    String tag = "callable" + System.nanoTime();
    try (Connection c = h2.getConnection();
        CallableStatement cs = c.prepareCall(Db.H2.longQuery(tag));
        CancellableContext ctx = Context.background().withCancel()) {
      Canceller canceller = Canceller.whenRunning(Db.H2, tag, ctx, null);
      assertThrows(ContextCancelledException.class, () -> ctx.call(cs::executeQuery));
      canceller.join();
      Db.H2.awaitNoneRunning(tag, Duration.ofSeconds(10));
    }
  }

  /** Cancels {@code ctx} from another thread once the fake driver is inside {@code execute*}. */
  private void cancelOnceExecuting(CancellableContext ctx) {
    cancelOnceExecuting(fake, ctx);
  }

  private static void cancelOnceExecuting(Fake driver, CancellableContext ctx) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                driver.executing.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                ctx.cancel();
              }
            });
  }

  private static void assertNotSame(Object unexpected, Object actual) {
    org.junit.jupiter.api.Assertions.assertNotSame(unexpected, actual);
  }

  private static void execute(PreparedStatement ps) {
    try {
      ps.execute();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
