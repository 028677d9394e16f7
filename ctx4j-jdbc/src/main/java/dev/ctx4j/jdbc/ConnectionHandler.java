package dev.ctx4j.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * A {@link Connection} whose statements honour {@code Context.current()}; every other method goes
 * straight to the driver's connection.
 */
final class ConnectionHandler implements InvocationHandler {
  private final Connection target;
  private final long abortAfterNanos;
  private Connection proxy; // set once, right after construction, before the proxy is shared

  private ConnectionHandler(Connection target, long abortAfterNanos) {
    this.target = target;
    this.abortAfterNanos = abortAfterNanos;
  }

  /**
   * @param abortAfterNanos how long after its context ended a statement may run on before the
   *     connection is aborted; negative: never
   */
  static Connection wrap(Connection target, long abortAfterNanos) {
    ConnectionHandler handler = new ConnectionHandler(target, abortAfterNanos);
    Connection proxy =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    handler.proxy = proxy;
    return proxy;
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // UNHANDLED is a sentinel object
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    Object common = Proxies.common(self, target, "Connection", method, args);
    if (common != Proxies.UNHANDLED) {
      return common;
    }
    Object result = Proxies.delegate(target, method, args);
    return switch (method.getName()) {
      case "createStatement" ->
          StatementHandler.wrap((Statement) result, Statement.class, proxy, abortAfterNanos);
      case "prepareStatement" ->
          StatementHandler.wrap(
              (Statement) result, PreparedStatement.class, proxy, abortAfterNanos);
      case "prepareCall" ->
          StatementHandler.wrap(
              (Statement) result, CallableStatement.class, proxy, abortAfterNanos);
      default -> result;
    };
  }
}
