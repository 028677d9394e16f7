package dev.ctx4j.jdbc;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Deadline;
import dev.ctx4j.Registration;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Statement} (or {@code PreparedStatement}, {@code CallableStatement}) whose {@code
 * execute*} methods honour {@code Context.current()}: see {@link ContextDataSource} for the rules.
 * Every other method goes straight to the driver's statement.
 */
final class StatementHandler implements InvocationHandler {
  private static final System.Logger LOG = System.getLogger(StatementHandler.class.getName());
  private static final int NOT_CAPPED = -1;

  private final Statement target;
  private final Connection connection;
  private final ConnectionState state;

  private StatementHandler(Statement target, Connection connection, ConnectionState state) {
    this.target = target;
    this.connection = connection;
    this.state = state;
  }

  /**
   * @param connection the connection proxy the statement belongs to: returned by {@code
   *     getConnection()}, aborted when a cancel does not stop an execution in time
   * @param state what the statements of the connection share
   */
  static Statement wrap(
      Statement target,
      Class<? extends Statement> type,
      Connection connection,
      ConnectionState state) {
    if (target == null) {
      return null;
    }
    return (Statement)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            new StatementHandler(target, connection, state));
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // UNHANDLED is a sentinel object
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    Object common = Proxies.common(self, target, "Statement", method, args);
    if (common != Proxies.UNHANDLED) {
      return common;
    }
    String name = method.getName();
    if (name.equals("getConnection")) {
      return connection;
    }
    if (name.startsWith("execute")) {
      return execute(method, args);
    }
    return Proxies.delegate(target, method, args);
  }

  private Object execute(Method method, Object[] args) throws Throwable {
    Context ctx = Context.current();
    if (Contexts.neverEnds(ctx)) {
      return Proxies.delegate(target, method, args);
    }
    Contexts.throwIfEnded(ctx); // no round trip on a context that has already ended
    if (state.needsExplicitBegin()) {
      // see ConnectionState: the transaction starts with a statement that changes nothing
      try (Statement begin = target.getConnection().createStatement()) {
        watched(ctx, begin, "execute", () -> begin.execute("SELECT 1"));
      }
    }
    return watched(ctx, target, method.getName(), () -> Proxies.delegate(target, method, args));
  }

  /** A driver call. */
  @FunctionalInterface
  private interface Call {
    Object run() throws Throwable;
  }

  /**
   * Runs {@code call} on {@code statement} under {@code ctx}: the deadline as query timeout, a
   * cancel (and, failing its delivery, an abort) when {@code ctx} ends, and the outcome rules of
   * {@link ContextDataSource}.
   */
  private Object watched(Context ctx, Statement statement, String what, Call call)
      throws Throwable {
    int userTimeout = capTimeout(ctx, statement);
    Execution execution = new Execution(statement, connection, state.abortAfterNanos);
    Registration registration =
        ctx.afterDone(ChainHops.reportingCancel(ctx, execution, what), Contexts.CANCEL_EXECUTOR);
    Object result = null;
    Throwable failure = null;
    try {
      result = call.run();
    } catch (Throwable t) {
      failure = t;
    }
    boolean cancelSent = execution.finish(); // from here on, no cancel reaches this statement
    registration.stop();
    if (userTimeout != NOT_CAPPED) {
      restoreTimeout(statement, userTimeout);
    }
    if (failure == null) {
      // The driver completed the statement: its effect stands (an update is applied, a commit is
      // durable), so its result is returned even if the context ended and a cancel was sent.
      return result;
    }
    if (failure instanceof Error) {
      throw failure;
    }
    if (cancelSent || (failure instanceof SQLException && Contexts.ended(ctx))) {
      ChainHops.queryStopped(ctx, what);
      ContextException e = Contexts.exception(ctx);
      e.addSuppressed(failure);
      if (!Outcomes.notApplied(failure)) {
        e.addSuppressed(new OutcomeUnknownException(failure));
      }
      throw e;
    }
    throw failure;
  }

  /**
   * Lowers the statement's query timeout to the context's remaining time, rounded up to whole
   * seconds; never raises a smaller timeout the user set.
   *
   * @return the timeout to restore after the execution, or {@link #NOT_CAPPED}
   */
  private static int capTimeout(Context ctx, Statement target) throws SQLException {
    Optional<Deadline> deadline = ctx.deadline();
    if (deadline.isEmpty()) {
      return NOT_CAPPED;
    }
    int seconds = ceilSeconds(deadline.get().remaining());
    int user = target.getQueryTimeout();
    if (user != 0 && user <= seconds) {
      return NOT_CAPPED;
    }
    target.setQueryTimeout(seconds);
    return user;
  }

  /** Whole seconds, rounded up, between 1 and {@code Integer.MAX_VALUE}. */
  static int ceilSeconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 1;
    }
    long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return (int) Math.min(seconds, Integer.MAX_VALUE);
  }

  private static void restoreTimeout(Statement target, int seconds) {
    try {
      target.setQueryTimeout(seconds);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "could not restore the query timeout", e); // e.g. statement closed
    }
  }
}
