package dev.ctx4j.jdbc;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections and statements honour {@link Context#current()}: Go's
 * {@code QueryContext} for JDBC.
 *
 * <p>When a statement's {@code execute*} method runs while {@code Context.current()} is a context
 * that can end (not {@code background()}, {@code todo()} or a {@code withoutCancel()} context):
 *
 * <ul>
 *   <li>on a context that has already ended, it throws a fresh {@link ContextException} (as {@link
 *       Context#throwIfDone()} does) without reaching the database;
 *   <li>the statement's query timeout is lowered, for this execution only, to the time left before
 *       the context's deadline, rounded up to whole seconds; a smaller timeout the user set is
 *       kept;
 *   <li>when the context ends during the execution, {@link java.sql.Statement#cancel()} is called
 *       on a ctx4j virtual thread (never the cancelling thread), and repeated while the execution
 *       is still in progress (a cancel that reaches the database before the query is ignored);
 *   <li>no cancel is ever issued once the execution has returned, and the execution does not return
 *       while a cancel is in progress, so a late cancel cannot hit the next query on a pooled
 *       connection;
 *   <li>on PostgreSQL (pgjdbc) with autocommit off, the first such statement of a transaction is
 *       preceded by a {@code SELECT 1} that starts the transaction: pgjdbc sends its own {@code
 *       BEGIN} in the same batch as the statement, and a cancel that lands on that {@code BEGIN}
 *       alone would let the statement run, and commit, outside the transaction;
 *   <li>if the execution is still running {@link #DEFAULT_ABORT_AFTER} (or the time given to {@link
 *       #wrap(DataSource, Duration)}) after the context ended, the connection is aborted;
 *   <li>if the driver completed the statement, its result is returned, even when the context ended
 *       and a cancel was sent meanwhile: a statement that completed took effect (an update is
 *       applied, a {@code COMMIT} is durable), so it is never reported as cancelled;
 *   <li>if the driver failed and a cancel was sent, or it failed with an {@code SQLException} after
 *       the context ended, it throws a fresh {@link ContextException} (cause: the cancel's cause),
 *       with the driver's exception as suppressed. When the driver's exception says the server
 *       aborted the statement (SQLSTATE 57014, 70100, HY008, or an {@code SQLTimeoutException}),
 *       the statement had no effect. Otherwise (the connection broke, the driver failed locally)
 *       whether the server applied it is unknown, and an {@link OutcomeUnknownException} is
 *       attached as suppressed too: test with {@link
 *       OutcomeUnknownException#isAttachedTo(Throwable)}.
 * </ul>
 *
 * <p>{@code getConnection} on such a context waits for the wrapped data source on a ctx4j virtual
 * thread and gives up with a fresh {@link ContextException} when the context ends; a connection
 * that arrives later is closed (returned to its pool). No thread is ever interrupted.
 *
 * <p>Result set fetching after {@code execute*} returns is not watched. H2 keeps a cancel that
 * lands after a command's last check and its query cache reuses that command for the next statement
 * with the same SQL: with pooled H2 connections, set {@code QUERY_CACHE_SIZE=0} in the URL.
 * Instances are thread-safe if the wrapped data source is.
 */
public final class ContextDataSource implements DataSource {
  /** How long a statement may run on after its context ended before its connection is aborted. */
  public static final Duration DEFAULT_ABORT_AFTER = Duration.ofSeconds(2);

  /** The longest {@code abortAfter} accepted: a day. */
  static final Duration MAX_ABORT_AFTER = Duration.ofDays(1);

  private final DataSource delegate;
  private final long abortAfterNanos;

  private ContextDataSource(DataSource delegate, long abortAfterNanos) {
    this.delegate = delegate;
    this.abortAfterNanos = abortAfterNanos;
  }

  /**
   * Wraps {@code dataSource}, aborting a statement's connection when the statement is still running
   * {@link #DEFAULT_ABORT_AFTER} after its context ended; a {@code ContextDataSource} is returned
   * as is.
   *
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static ContextDataSource wrap(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (dataSource instanceof ContextDataSource already) {
      return already;
    }
    return new ContextDataSource(dataSource, DEFAULT_ABORT_AFTER.toNanos());
  }

  /**
   * Wraps {@code dataSource}; a statement still running {@code abortAfter} after its context ended
   * — its cancel could not be delivered (the server is unreachable on a new connection) or was
   * ignored — has its connection aborted ({@link Connection#abort}): the driver call then fails
   * with a connection error, the caller gets the context's exception (with {@link
   * OutcomeUnknownException} attached) and a pool discards the connection. {@link Duration#ZERO}
   * aborts as soon as the context ends, without waiting for the cancel. A {@code ContextDataSource}
   * passed in is wrapped again around its own data source with this setting.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code abortAfter} is negative or longer than a day
   */
  public static ContextDataSource wrap(DataSource dataSource, Duration abortAfter) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(abortAfter, "abortAfter");
    if (abortAfter.isNegative() || abortAfter.compareTo(MAX_ABORT_AFTER) > 0) {
      throw new IllegalArgumentException(
          "abortAfter must be between 0 and " + MAX_ABORT_AFTER + ": " + abortAfter);
    }
    DataSource inner =
        dataSource instanceof ContextDataSource already ? already.delegate : dataSource;
    return new ContextDataSource(inner, abortAfter.toNanos());
  }

  /**
   * A connection from the wrapped data source; gives up when {@code Context.current()} ends.
   *
   * @throws ContextException if the context ended before a connection was obtained
   */
  @Override
  public Connection getConnection() throws SQLException {
    return acquire(delegate::getConnection);
  }

  /**
   * As {@link #getConnection()}, with the given credentials.
   *
   * @throws ContextException if the context ended before a connection was obtained
   */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return acquire(() -> delegate.getConnection(username, password));
  }

  /** Opens a connection; the wrapped data source's own call. */
  @FunctionalInterface
  private interface Opener {
    Connection open() throws SQLException;
  }

  private Connection acquire(Opener opener) throws SQLException {
    Context ctx = Context.current();
    if (Contexts.neverEnds(ctx)) {
      return ConnectionHandler.wrap(opener.open(), abortAfterNanos);
    }
    Contexts.throwIfEnded(ctx);
    CompletableFuture<Connection> pending = new CompletableFuture<>();
    Contexts.ACQUIRE_EXECUTOR.execute(() -> open(opener, pending));
    try {
      return ConnectionHandler.wrap(ctx.get(pending), abortAfterNanos);
    } catch (ContextException e) {
      closeWhenOpened(pending);
      throw e;
    } catch (InterruptedException e) {
      closeWhenOpened(pending);
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a connection", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new SQLException("could not obtain a connection", cause);
    }
  }

  private static void open(Opener opener, CompletableFuture<Connection> into) {
    try {
      into.complete(opener.open());
    } catch (Throwable t) {
      into.completeExceptionally(t);
    }
  }

  /** A connection that arrives after the caller gave up goes back at once (to its pool). */
  private static void closeWhenOpened(CompletableFuture<Connection> pending) {
    CompletableFuture<Void> unused = pending.thenAccept(ContextDataSource::closeQuietly);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      System.getLogger(ContextDataSource.class.getName())
          .log(System.Logger.Level.DEBUG, "could not close an abandoned connection", e);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  /**
   * This object if it implements {@code iface}, else the wrapped data source's {@code unwrap}.
   *
   * @throws NullPointerException if {@code iface} is null
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    Objects.requireNonNull(iface, "iface");
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  /**
   * True if this object implements {@code iface} or the wrapped data source wraps it.
   *
   * @throws NullPointerException if {@code iface} is null
   */
  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    Objects.requireNonNull(iface, "iface");
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "ContextDataSource[" + delegate + "]";
  }
}
