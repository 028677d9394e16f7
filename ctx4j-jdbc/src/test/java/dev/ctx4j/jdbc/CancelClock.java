package dev.ctx4j.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * For {@link LatencyProbe}: a pass-through data source that records when the driver's {@code
 * Statement.cancel()} is first entered, to split ctx4j's dispatch from the driver's own work.
 */
final class CancelClock {
  private static final AtomicLong FIRST_CANCEL = new AtomicLong();

  private CancelClock() {}

  static void reset() {
    FIRST_CANCEL.set(0);
  }

  /** {@code System.nanoTime()} when {@code cancel()} was first entered since {@link #reset()}. */
  static long firstCancel() {
    return FIRST_CANCEL.get();
  }

  static DataSource wrap(DataSource target) {
    return passThrough(DataSource.class, target);
  }

  private static <T> T passThrough(Class<T> type, Object target) {
    return type.cast(
        Proxy.newProxyInstance(
            CancelClock.class.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              if (method.getName().equals("cancel")) {
                FIRST_CANCEL.compareAndSet(0, System.nanoTime());
              }
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (result instanceof Connection) {
                return passThrough(Connection.class, result);
              }
              if (result instanceof Statement && method.getReturnType() == Statement.class) {
                return passThrough(Statement.class, result);
              }
              return result;
            }));
  }
}
