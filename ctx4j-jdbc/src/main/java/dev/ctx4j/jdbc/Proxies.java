package dev.ctx4j.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.sql.Wrapper;

/** What every ctx4j-jdbc proxy does the same way: Object methods, unwrap, delegation. */
final class Proxies {
  private Proxies() {}

  /** Calls {@code method} on {@code target}, rethrowing what it threw as is. */
  static Object delegate(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Handles {@code equals}, {@code hashCode}, {@code toString}, {@code unwrap} and {@code
   * isWrapperFor} for {@code proxy} wrapping {@code target}; returns {@link #UNHANDLED} for any
   * other method.
   */
  @SuppressWarnings("ReferenceEquality") // a proxy equals only itself, as Object.equals does
  static Object common(Object proxy, Wrapper target, String kind, Method method, Object[] args)
      throws SQLException {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "ctx4j " + kind + "[" + target + "]";
      };
    }
    if (method.getDeclaringClass() == Wrapper.class) {
      Class<?> iface = (Class<?>) args[0];
      if (iface == null) {
        throw new NullPointerException("iface");
      }
      boolean self = iface.isInstance(proxy);
      if (method.getName().equals("isWrapperFor")) {
        return self || target.isWrapperFor(iface);
      }
      return self ? proxy : target.unwrap(iface);
    }
    return UNHANDLED;
  }

  /** Marker returned by {@link #common} for methods it does not handle. */
  static final Object UNHANDLED = new Object();
}
