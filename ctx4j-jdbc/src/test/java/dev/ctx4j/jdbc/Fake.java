package dev.ctx4j.jdbc;

import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A scripted JDBC driver for tests that must see exactly which calls reach the driver: every call
 * on its data source, connections and statements is recorded in {@link #calls}.
 */
final class Fake {
  /** What {@code execute*} does; may block, fail, or return a value. */
  @FunctionalInterface
  interface Behaviour {
    Object execute(Fake fake) throws Exception;
  }

  /** What {@code cancel()} does after it is recorded. */
  @FunctionalInterface
  interface CancelBehaviour {
    void cancel(Fake fake) throws Exception;
  }

  final List<String> calls = new CopyOnWriteArrayList<>();
  final AtomicInteger cancels = new AtomicInteger();
  final AtomicInteger resultSetsClosed = new AtomicInteger();
  volatile int queryTimeout;
  volatile int timeoutSeenByExecute = -1;
  volatile Behaviour behaviour = fake -> null; // null: a default value of the method's type
  final CountDownLatch executing = new CountDownLatch(1);
  volatile CancelBehaviour onCancel = fake -> {};

  DataSource dataSource() {
    return proxy(
        DataSource.class,
        (name, args) -> {
          calls.add("DataSource." + name);
          return name.equals("getConnection") ? connection() : null;
        });
  }

  private Connection connection() {
    return proxy(
        Connection.class,
        (name, args) ->
            switch (name) {
              case "createStatement" -> statement(Statement.class);
              case "prepareStatement" -> statement(PreparedStatement.class);
              case "prepareCall" -> statement(CallableStatement.class);
              case "isClosed", "isWrapperFor" -> false;
              default -> null;
            });
  }

  private Statement statement(Class<? extends Statement> type) {
    return proxy(
        type,
        (name, args, returns) -> {
          switch (name) {
            case "setQueryTimeout" -> {
              calls.add("setQueryTimeout(" + args[0] + ")");
              queryTimeout = (Integer) args[0];
              return null;
            }
            case "getQueryTimeout" -> {
              return queryTimeout;
            }
            case "cancel" -> {
              calls.add("cancel");
              cancels.incrementAndGet();
              onCancel.cancel(this);
              return null;
            }
            default -> {
              if (name.startsWith("execute")) {
                calls.add(name);
                timeoutSeenByExecute = queryTimeout;
                executing.countDown();
                Object result = behaviour.execute(this);
                return result != null ? result : defaultValue(returns);
              }
              return name.equals("isClosed") ? Boolean.FALSE : null;
            }
          }
        });
  }

  /** A result set that counts its {@code close()} calls. */
  ResultSet resultSet() {
    return proxy(
        ResultSet.class,
        (name, args) -> {
          if (name.equals("close")) {
            resultSetsClosed.incrementAndGet();
          }
          return name.equals("next") ? Boolean.FALSE : null;
        });
  }

  /** True if the driver saw an {@code execute*} call. */
  boolean executed() {
    return calls.stream().anyMatch(c -> c.startsWith("execute"));
  }

  private Object defaultValue(Class<?> type) {
    if (type == ResultSet.class) {
      return resultSet();
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == int[].class) {
      return new int[0];
    }
    if (type == long[].class) {
      return new long[0];
    }
    return null;
  }

  @FunctionalInterface
  private interface Handler {
    Object handle(String name, Object[] args, Class<?> returns) throws Exception;
  }

  @FunctionalInterface
  private interface SimpleHandler extends Handler {
    Object handle(String name, Object[] args) throws Exception;

    @Override
    default Object handle(String name, Object[] args, Class<?> returns) throws Exception {
      return handle(name, args);
    }
  }

  private static <T> T proxy(Class<T> type, SimpleHandler handler) {
    return proxy(type, (Handler) handler);
  }

  private static <T> T proxy(Class<T> type, Handler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            Fake.class.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> self == args[0];
                  case "hashCode" -> System.identityHashCode(self);
                  default -> "fake " + type.getSimpleName();
                };
              }
              return handler.handle(method.getName(), args, method.getReturnType());
            }));
  }
}
