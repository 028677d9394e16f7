package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.junit.internal.FaultProxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc sends the {@code BEGIN} of a transaction in the same batch as its first statement; a
 * cancel landing on that {@code BEGIN} lets the statement run outside the transaction and commit on
 * its own (a partial commit the application's rollback cannot undo). ctx4j therefore starts the
 * transaction with a {@code SELECT 1} before a statement it may cancel. These tests read what
 * reaches the server through a recording proxy.
 */
class PostgresTransactionStartTest {
  @BeforeEach
  void requireDatabase() {
    Db.POSTGRES.requireReachable();
  }

  @Test
  void firstStatementOfATransaction_isNeverSentRightBehindTheDriversBegin() throws Exception {
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", Db.POSTGRES.port())) {
      DataSource ds = ContextDataSource.wrap(Db.POSTGRES.rawDataSource(proxy.port()));
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement();
          CancellableContext ctx = Context.background().withTimeout(Duration.ofMinutes(1))) {
        c.setAutoCommit(false);
        proxy.clearSent();
        ctx.call(() -> s.execute("SELECT 'ctx4j_first_marker'"));
        ctx.call(() -> s.execute("SELECT 'ctx4j_second_marker'"));
        c.rollback();
        ctx.call(() -> s.execute("SELECT 'ctx4j_third_marker'"));
        c.rollback();
        String sent = proxy.sent();
        assertBeginThenSelectOneBefore(sent, "ctx4j_first_marker");
        assertBeginThenSelectOneBefore(sent, "ctx4j_third_marker");
        int first = sent.indexOf("ctx4j_first_marker");
        int second = sent.indexOf("ctx4j_second_marker");
        assertFalse(
            sent.substring(first, second).contains("BEGIN"),
            "inside an open transaction no BEGIN is sent");
        assertEquals(
            2, count(sent, "SELECT 1"), "one explicit start per transaction, no more: " + sent);
      }
    }
  }

  @Test
  void autocommitOrNoContext_noExplicitStart() throws Exception {
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", Db.POSTGRES.port())) {
      DataSource ds = ContextDataSource.wrap(Db.POSTGRES.rawDataSource(proxy.port()));
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement();
          CancellableContext ctx = Context.background().withTimeout(Duration.ofMinutes(1))) {
        proxy.clearSent();
        ctx.call(() -> s.execute("SELECT 'ctx4j_autocommit_marker'"));
        c.setAutoCommit(false);
        s.execute("SELECT 'ctx4j_no_context_marker'"); // nothing can cancel it: pgjdbc's BEGIN
        c.rollback();
        String sent = proxy.sent();
        assertEquals(0, count(sent, "SELECT 1"), sent);
        assertTrue(sent.contains("ctx4j_no_context_marker"));
      }
    }
  }

  private static void assertBeginThenSelectOneBefore(String sent, String marker) {
    int at = sent.indexOf(marker);
    assertTrue(at >= 0, marker + " never reached the server");
    int begin = sent.lastIndexOf("BEGIN", at);
    assertTrue(begin >= 0, "no BEGIN before " + marker);
    assertTrue(
        sent.substring(begin, at).contains("SELECT 1"),
        marker + " was sent right behind the driver's BEGIN, where a cancel can split them");
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
