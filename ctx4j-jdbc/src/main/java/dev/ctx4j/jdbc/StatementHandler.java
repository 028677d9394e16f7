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

  private StatementHandler(Statement target, Connection connection) {
    this.target = target;
    this.connection = connection;
  }

  static Statement wrap(Statement target, Class<? extends Statement> type, Connection connection) {
    if (target == null) {
      return null;
    }
    return (Statement)
        Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, new StatementHandler(target, connection));
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
    int userTimeout = capTimeout(ctx);
    Execution execution = new Execution(target);
    Registration registration =
        ctx.afterDone(
            ChainHops.reportingCancel(ctx, execution, method.getName()), Contexts.CANCEL_EXECUTOR);
    Object result = null;
    Throwable failure = null;
    try {
      result = Proxies.delegate(target, method, args);
    } catch (Throwable t) {
      failure = t;
    }
    boolean cancelSent = execution.finish(); // from here on, no cancel reaches this statement
    registration.stop();
    if (userTimeout != NOT_CAPPED) {
      restoreTimeout(userTimeout);
    }
    if (cancelSent || (failure instanceof SQLException && Contexts.ended(ctx))) {
      ChainHops.queryStopped(ctx, method.getName());
      ContextException e = Contexts.exception(ctx);
      if (failure != null) {
        e.addSuppressed(failure);
      } else {
        closeQuietly(result, e);
      }
      throw e;
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  /**
   * Lowers the statement's query timeout to the context's remaining time, rounded up to whole
   * seconds; never raises a smaller timeout the user set.
   *
   * @return the timeout to restore after the execution, or {@link #NOT_CAPPED}
   */
  private int capTimeout(Context ctx) throws SQLException {
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

  private void restoreTimeout(int seconds) {
    try {
      target.setQueryTimeout(seconds);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "could not restore the query timeout", e); // e.g. statement closed
    }
  }

  private static void closeQuietly(Object result, Throwable into) {
    if (result instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        into.addSuppressed(e);
      }
    }
  }
}
