package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextFilter} on a class path without Jetty's ee10 classes, as in a WAR on another
 * Servlet container: it loads, and the Servlet-API part (deadline header, 400, binding, end) works.
 * Everything is loaded by an isolated class loader and driven through reflection and proxies.
 */
class ContextFilterWithoutJettyTest {

  /** Records calls and answers the few methods the filter uses. */
  private static final class Fake implements InvocationHandler {
    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, String> headers = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    InvocationHandler onDoFilter;
    Object asyncContext; // a request: its AsyncContext once "started"
    final List<Object> listeners = new ArrayList<>(); // an AsyncContext: its listeners

    @Override
    public Object invoke(Object proxy, Method m, Object[] a) throws Throwable {
      calls.add(m.getName() + (a == null ? "" : List.of(a)));
      return switch (m.getName()) {
        case "getAttribute" -> attributes.get((String) a[0]);
        case "setAttribute" -> attributes.put((String) a[0], a[1]);
        case "getHeaders" -> {
          String wanted = (String) a[0];
          List<String> values = new ArrayList<>();
          headers.forEach(
              (k, v) -> {
                if (k.equalsIgnoreCase(wanted)) {
                  values.add(v);
                }
              });
          yield Collections.enumeration(values);
        }
        case "isAsyncStarted" -> asyncContext != null;
        case "getAsyncContext" -> asyncContext;
        case "addListener" -> listeners.add(a[0]);
        case "getInitParameterNames" -> Collections.emptyEnumeration();
        case "getFilterName" -> "ctx4j";
        case "doFilter" -> onDoFilter.invoke(proxy, m, a);
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == a[0];
        case "toString" -> "fake";
        default -> null;
      };
    }
  }

  private static URLClassLoader withoutEe10() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("jetty-ee10")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  /** A new filter of {@code filterType} (loaded by {@code loader}), initialised with no params. */
  private static Object initFilter(ClassLoader loader, Class<?> filterType) throws Exception {
    Object filter = filterType.getConstructor().newInstance();
    filterType
        .getMethod("init", loader.loadClass("jakarta.servlet.FilterConfig"))
        .invoke(filter, proxy(loader, "jakarta.servlet.FilterConfig", new Fake()));
    return filter;
  }

  private static Method doFilterMethod(ClassLoader loader, Class<?> filterType) throws Exception {
    return filterType.getMethod(
        "doFilter",
        loader.loadClass("jakarta.servlet.ServletRequest"),
        loader.loadClass("jakarta.servlet.ServletResponse"),
        loader.loadClass("jakarta.servlet.FilterChain"));
  }

  private static Object proxy(ClassLoader loader, String type, InvocationHandler h)
      throws ClassNotFoundException {
    return Proxy.newProxyInstance(loader, new Class<?>[] {loader.loadClass(type)}, h);
  }

  @Test
  void noEe10Classes_filterLoads_deadlineBindingEndAnd400Work() throws Exception {
    try (URLClassLoader loader = withoutEe10()) {
      assertThrows(
          ClassNotFoundException.class,
          () -> loader.loadClass("org.eclipse.jetty.ee10.servlet.ServletContextRequest"));
      Class<?> filterType = loader.loadClass("dev.ctx4j.http.ContextFilter");
      Class<?> contextType = loader.loadClass("dev.ctx4j.Context");
      Object filter = initFilter(loader, filterType);
      Method doFilter = doFilterMethod(loader, filterType);

      // A request with a timeout header: the chain runs with a deadline, the context ends after.
      Fake request = new Fake();
      request.headers.put("connect-timeout-ms", "2000");
      Fake chain = new Fake();
      Object[] seen = new Object[1];
      chain.onDoFilter = (p, m, a) -> seen[0] = contextType.getMethod("current").invoke(null);
      doFilter.invoke(
          filter,
          proxy(loader, "jakarta.servlet.http.HttpServletRequest", request),
          proxy(loader, "jakarta.servlet.http.HttpServletResponse", new Fake()),
          proxy(loader, "jakarta.servlet.FilterChain", chain));
      assertNotNull(seen[0], "the chain ran");
      Optional<?> deadline = (Optional<?>) contextType.getMethod("deadline").invoke(seen[0]);
      Duration left =
          (Duration)
              deadline.orElseThrow().getClass().getMethod("remaining").invoke(deadline.get());
      assertTrue(left.toMillis() > 0 && left.toMillis() <= 2000, "remaining " + left);
      assertTrue((Boolean) contextType.getMethod("isDone").invoke(seen[0]), "ended after");
      assertTrue(
          request.attributes.get(ContextFilter.ATTRIBUTE) == seen[0], "the request attribute");

      // A malformed header: sendError(400, message naming the header); the chain never runs.
      Fake bad = new Fake();
      bad.headers.put("grpc-timeout", "soon");
      Fake response = new Fake();
      Fake unused = new Fake();
      unused.onDoFilter =
          (p, m, a) -> {
            throw new AssertionError("chain ran");
          };
      doFilter.invoke(
          filter,
          proxy(loader, "jakarta.servlet.http.HttpServletRequest", bad),
          proxy(loader, "jakarta.servlet.http.HttpServletResponse", response),
          proxy(loader, "jakarta.servlet.FilterChain", unused));
      String sendError =
          response.calls.stream().filter(c -> c.startsWith("sendError")).findFirst().orElseThrow();
      assertTrue(sendError.contains("400") && sendError.contains("grpc-timeout"), sendError);

      Object lifetime = filterType.getMethod("lifetime").invoke(filter);
      assertFalse((Boolean) contextType.getMethod("isDone").invoke(lifetime));
      filterType.getMethod("destroy").invoke(filter);
      assertEquals(
          "dev.ctx4j.http.ServerStoppedException",
          contextType.getMethod("cause").invoke(lifetime).getClass().getName());
    }
  }

  /**
   * Asynchronous requests off Jetty: the context outlives the dispatch, and the AsyncListener the
   * filter registers ends it — onError with an IOException as a client disconnect, another error as
   * itself, onComplete plainly. (On Jetty an HTTP/2 reset does not reliably reach onError, so the
   * container is faked here.)
   */
  @Test
  void noEe10Classes_async_listenerEndsContext() throws Exception {
    try (URLClassLoader loader = withoutEe10()) {
      Class<?> filterType = loader.loadClass("dev.ctx4j.http.ContextFilter");
      Class<?> contextType = loader.loadClass("dev.ctx4j.Context");
      Class<?> listenerType = loader.loadClass("jakarta.servlet.AsyncListener");
      Class<?> eventType = loader.loadClass("jakarta.servlet.AsyncEvent");
      Class<?> asyncType = loader.loadClass("jakarta.servlet.AsyncContext");
      Object filter = initFilter(loader, filterType);
      Method doFilter = doFilterMethod(loader, filterType);
      Method isDone = contextType.getMethod("isDone");
      Method cause = contextType.getMethod("cause");

      for (Throwable error :
          new Throwable[] {
            new java.io.IOException("stream reset"), new IllegalStateException("app failed"), null
          }) {
        Fake async = new Fake();
        Object asyncContext = proxy(loader, "jakarta.servlet.AsyncContext", async);
        Fake request = new Fake();
        Fake chain = new Fake();
        Object[] seen = new Object[1];
        chain.onDoFilter =
            (p, m, a) -> {
              seen[0] = contextType.getMethod("current").invoke(null);
              request.asyncContext = asyncContext; // the servlet called startAsync()
              return null;
            };
        doFilter.invoke(
            filter,
            proxy(loader, "jakarta.servlet.http.HttpServletRequest", request),
            proxy(loader, "jakarta.servlet.http.HttpServletResponse", new Fake()),
            proxy(loader, "jakarta.servlet.FilterChain", chain));
        assertFalse((Boolean) isDone.invoke(seen[0]), "lives after the dispatch returned");
        assertEquals(1, async.listeners.size());
        Object listener = async.listeners.get(0);
        if (error != null) {
          Object event =
              eventType.getConstructor(asyncType, Throwable.class).newInstance(asyncContext, error);
          listenerType.getMethod("onError", eventType).invoke(listener, event);
          assertTrue((Boolean) isDone.invoke(seen[0]));
          Throwable c = (Throwable) cause.invoke(seen[0]);
          if (error instanceof java.io.IOException) {
            assertEquals("dev.ctx4j.http.ClientDisconnectedException", c.getClass().getName());
            assertTrue(c.getCause() == error);
          } else {
            assertTrue(c == error, "another error is the cause itself");
          }
        }
        Object done = eventType.getConstructor(asyncType).newInstance(asyncContext);
        listenerType.getMethod("onComplete", eventType).invoke(listener, done);
        assertTrue((Boolean) isDone.invoke(seen[0]));
        if (error == null) {
          assertTrue(
              cause.invoke(seen[0]) == contextType.getMethod("err").invoke(seen[0]),
              "onComplete: plain cancel");
        }
      }
      filterType.getMethod("destroy").invoke(filter);
    }
  }
}
