package dev.ctx4j.jdbc;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the statements of one wrapped connection share: the abort grace, and whether the connection
 * is PostgreSQL's (pgjdbc), whose transactions need an explicit start before a statement may be
 * cancelled.
 *
 * <p>pgjdbc opens a transaction lazily: with autocommit off, the first statement after a commit or
 * a rollback is sent behind a {@code BEGIN} that travels as a simple query in the same batch. A
 * cancel that lands on that {@code BEGIN} fails it alone; the statement behind it still runs, now
 * outside any transaction, and is committed on its own — a rollback the application then issues
 * cannot undo it (a partial commit). So before a statement that can be cancelled runs on an idle
 * pgjdbc connection with autocommit off, ctx4j starts the transaction with a {@code SELECT 1} of
 * its own, under the same watch: a cancel that lands on that {@code BEGIN} lets only the {@code
 * SELECT 1} run outside the transaction, which changes nothing.
 */
final class ConnectionState {
  private static final System.Logger LOG = System.getLogger(ConnectionState.class.getName());
  private static final String BASE_CONNECTION = "org.postgresql.core.BaseConnection";

  final long abortAfterNanos;
  private final Connection target;
  private volatile boolean probed;
  private Object pg; // the pgjdbc connection, or null; written once before probed is set
  private Method transactionState; // BaseConnection.getTransactionState(), or null

  ConnectionState(Connection target, long abortAfterNanos) {
    this.target = target;
    this.abortAfterNanos = abortAfterNanos;
  }

  /**
   * True if the connection is pgjdbc's, autocommit is off and no transaction is open: the next
   * statement would be sent behind pgjdbc's own {@code BEGIN}.
   */
  boolean needsExplicitBegin() throws SQLException {
    if (!probed) {
      probe();
    }
    if (pg == null || target.getAutoCommit()) {
      return false;
    }
    try {
      Object state = transactionState.invoke(pg);
      return state instanceof Enum<?> e && e.name().equals("IDLE");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot read pgjdbc's transaction state", e);
      return false;
    }
  }

  private synchronized void probe() {
    if (probed) {
      return;
    }
    try {
      Connection raw =
          target.isWrapperFor(Connection.class) ? target.unwrap(Connection.class) : target;
      ClassLoader loader = raw.getClass().getClassLoader();
      Class<?> base = Class.forName(BASE_CONNECTION, false, loader);
      if (base.isInstance(raw)) {
        transactionState = base.getMethod("getTransactionState");
        pg = raw;
      }
    } catch (ClassNotFoundException | NoSuchMethodException | SQLException | RuntimeException e) {
      LOG.log(Level.TRACE, "not a pgjdbc connection", e);
    } finally {
      probed = true;
    }
  }
}
