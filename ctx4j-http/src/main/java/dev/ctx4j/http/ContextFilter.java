package dev.ctx4j.http;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A Servlet 6 ({@code jakarta.servlet}) filter that gives each request its own {@link Context}, as
 * {@link RequestContextHandler} does for Jetty core handlers: for applications that declare filters
 * (in {@code web.xml}, with a {@code FilterHolder}, through a framework) rather than change the
 * server's handler chain.
 *
 * <p>The request context is a child of the filter's lifetime context (itself a child of {@link
 * Builder#parent}), created by {@link #init} and cancelled with a {@link ServerStoppedException}
 * cause by {@link #destroy} and, on Jetty, as soon as the server starts stopping. Its deadline is
 * the timeout the request's headers ask for ({@link DeadlineHeaders}) capped by {@link
 * Builder#maxTimeout}. During {@code chain.doFilter} it is {@link Context#current()} (a read-only
 * view: servlet code can watch it but not cancel it), and it is the request attribute {@link
 * #ATTRIBUTE} for code on other threads. It is cancelled plainly when the filter returns, or, when
 * the servlet started asynchronous processing, when the {@link AsyncContext} completes. A malformed
 * timeout header gets {@code 400 Bad Request} naming the header (through {@code sendError}, so the
 * application's error page applies), or is ignored when so configured; never a 500.
 *
 * <p>Client disconnects: on Jetty 12 ee10 the filter reaches Jetty's own request and cancels the
 * context with a {@link ClientDisconnectedException} cause on an HTTP/2 reset and on an HTTP/1.1
 * close while the servlet still computes (the {@link RequestContextHandler} mechanism,
 * docs/adr/0045 and 0080). Other containers offer nothing of the kind through the Servlet API:
 * there the filter only learns of a lost client through {@link AsyncListener#onError} during
 * asynchronous processing, or through a {@link ClientDisconnects} given to {@link
 * Builder#clientDisconnects} (the Spring Boot integration's for Tomcat, docs/adr/0100).
 *
 * <p>Configuration: the {@link #builder()} in code, or the public no-argument constructor with
 * init-params ({@value #MAX_TIMEOUT_PARAM}, {@value #IGNORE_MALFORMED_HEADERS_PARAM}, {@value
 * #HEADERS_PARAM}, {@value #HTTP1_DISCONNECT_WATCHER_PARAM}); init-params, like any deployment
 * descriptor setting, override what the builder set. Unknown or malformed init-params make {@link
 * #init} fail with a message naming them.
 */
// The Servlet API is "requires static", not "transitive": a transitive static module would be
// mandatory when compiling every module that reads ctx4j-http. Filter users have it anyway.
@SuppressWarnings("exports")
public final class ContextFilter implements Filter {
  /**
   * The request attribute holding the request context: the same name as {@link
   * RequestContextHandler#ATTRIBUTE}, so each integration finds a context the other set.
   */
  public static final String ATTRIBUTE = RequestContextHandler.ATTRIBUTE;

  /** Init-param: the longest a request may run, as an ISO-8601 duration such as {@code PT30S}. */
  public static final String MAX_TIMEOUT_PARAM = "maxTimeout";

  /**
   * Init-param: {@code true} runs requests with a malformed timeout header as if it were absent.
   */
  public static final String IGNORE_MALFORMED_HEADERS_PARAM = "ignoreMalformedHeaders";

  /**
   * Init-param: the timeout headers read, comma-separated (e.g. {@code Connect-Timeout-Ms,
   * grpc-timeout}); empty reads none.
   */
  public static final String HEADERS_PARAM = "headers";

  /** Init-param: {@code false} turns off the HTTP/1.1 disconnect watcher on Jetty. */
  public static final String HTTP1_DISCONNECT_WATCHER_PARAM = "http1DisconnectWatcher";

  private static final List<String> PARAMS =
      List.of(
          MAX_TIMEOUT_PARAM,
          IGNORE_MALFORMED_HEADERS_PARAM,
          HEADERS_PARAM,
          HTTP1_DISCONNECT_WATCHER_PARAM);

  private static final System.Logger LOG = System.getLogger(ContextFilter.class.getName());

  /** Jetty 12 ee10 is on the class path: its core request is reachable. */
  private static final boolean JETTY_EE10 =
      present("org.eclipse.jetty.ee10.servlet.ServletContextRequest");

  private final Settings configured;
  private final boolean useJetty;
  private final ClientDisconnects disconnects; // null: none beyond Jetty's

  // Written by init/destroy, read by request threads.
  private volatile Running running;

  /**
   * A filter with default settings (see {@link Builder}), for containers that create filters by
   * class name; init-params adjust them.
   */
  public ContextFilter() {
    this(new Builder());
  }

  private ContextFilter(Builder b) {
    this.configured =
        new Settings(b.parent(), b.headers(), b.maxTimeout(), b.rejectMalformed(), b.watchHttp1());
    this.useJetty = JETTY_EE10 && b.useJetty;
    this.disconnects = b.disconnects;
    this.running = new Running(configured, configured.parent(), null, null, null);
  }

  /** A builder with the defaults listed on its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The context of {@code request}, set by a {@code ContextFilter} or {@link RequestContextHandler}
   * upstream, else {@link Context#background()}.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public static Context context(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(ATTRIBUTE) instanceof Context c ? c : Context.background();
  }

  /**
   * The lifetime context of this filter, read-only: live between {@link #init} and {@link
   * #destroy}.
   */
  public Context lifetime() {
    CancellableContext l = running.lifetime();
    return l == null ? Context.background() : l.readOnly();
  }

  /**
   * Applies the init-params, starts the lifetime context and, on Jetty, listens for the server
   * stopping and starts the HTTP/1.1 disconnect watcher.
   *
   * @throws ServletException naming the init-param, if one is unknown or malformed
   * @throws NullPointerException if {@code filterConfig} is null
   */
  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    Objects.requireNonNull(filterConfig, "filterConfig");
    Settings s = configured.with(filterConfig);
    CancellableContext lifetime = s.parent().withCancel();
    Runnable unlisten = null;
    DisconnectWatcher watcher = null;
    ServletContext servletContext = filterConfig.getServletContext();
    if (useJetty && servletContext != null) {
      unlisten = JettyServlets.onServerStopping(servletContext, () -> stopped(lifetime));
    }
    if (unlisten != null && s.watchHttp1()) {
      watcher = new DisconnectWatcher("ctx4j-http-filter-disconnect-watcher");
    }
    if (unlisten == null) {
      LOG.log(
          Level.INFO,
          "ContextFilter {0}: not served by Jetty 12 ee10; client disconnects are seen only"
              + " through AsyncListener.onError of asynchronous requests",
          filterConfig.getFilterName());
    }
    running = new Running(s, lifetime, lifetime, watcher, unlisten);
  }

  /** Cancels the lifetime context, and so every request in flight, and stops the watcher. */
  @Override
  public void destroy() {
    Running r = running;
    if (r.lifetime() == null) {
      return; // never initialized
    }
    running = new Running(r.settings(), r.base(), r.lifetime(), null, null);
    if (r.unlisten() != null) {
      r.unlisten().run();
    }
    stopped(r.lifetime());
    if (r.watcher() != null) {
      r.watcher().close();
    }
  }

  private static void stopped(CancellableContext lifetime) {
    lifetime.cancel(new ServerStoppedException("server stopped while the request was in flight"));
  }

  /**
   * Runs the rest of the chain with the request context as {@link Context#current()}. A request
   * that already carries a context (an upstream {@link RequestContextHandler}, or a forward,
   * include, error or async dispatch of a request this filter saw) runs with that context.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(chain, "chain");
    if (request.getAttribute(ATTRIBUTE) instanceof Context existing) {
      runChain(existing, request, response, chain);
      return;
    }
    Running r = running;
    Settings s = r.settings();
    Duration asked = null;
    if (request instanceof HttpServletRequest http
        && response instanceof HttpServletResponse httpResponse) {
      try {
        asked = s.headers().timeout(name -> headerValues(http, name)).orElse(null);
      } catch (MalformedTimeoutHeaderException e) {
        if (s.rejectMalformed()) {
          httpResponse.sendError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
          return;
        }
      }
    }
    JettyServlets.Exchange exchange = useJetty ? JettyServlets.exchange(request) : null;
    CancellableContext ctx = newContext(r, exchange, asked);
    if (request instanceof HttpServletRequest http) {
      ChainHeader.received(
          ctx, name -> headerValues(http, name), http.getMethod(), http.getRequestURI());
    }
    Context view = ctx.readOnly();
    request.setAttribute(ATTRIBUTE, view);
    Runnable endWatch;
    if (exchange != null) {
      endWatch = exchange.onClientGone(r.watcher(), ctx::cancel);
    } else if (disconnects != null) {
      endWatch = disconnects.watch(request, ctx::cancel);
    } else {
      endWatch = null;
    }
    boolean async = false;
    try {
      runChain(view, request, response, chain);
      async = endWhenAsyncCompletes(request, ctx, endWatch);
    } finally {
      if (!async) {
        end(ctx, endWatch);
      }
    }
  }

  private static List<String> headerValues(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  private static CancellableContext newContext(
      Running r, JettyServlets.Exchange exchange, Duration asked) {
    // On Jetty the budget counts from the headers' arrival, as RequestContextHandler's does.
    long sinceHeaders = exchange == null ? 0 : System.nanoTime() - exchange.headersNanoTime();
    return RequestContextHandler.requestContext(
        r.base(), asked, r.settings().maxTimeout(), sinceHeaders);
  }

  private static void runChain(
      Context ctx, ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    try {
      ctx.call(
          () -> {
            chain.doFilter(request, response);
            return null;
          });
    } catch (IOException | ServletException | RuntimeException e) {
      throw e;
    } catch (Exception e) { // chain.doFilter throws nothing else
      throw new ServletException(e);
    }
  }

  /**
   * If the servlet went asynchronous, hands the end of the context to an {@link AsyncListener}.
   *
   * @return true if the listener now owns the end
   */
  private static boolean endWhenAsyncCompletes(
      ServletRequest request, CancellableContext ctx, Runnable endWatch) {
    if (!request.isAsyncStarted()) {
      return false;
    }
    try {
      // Still inside the dispatch that started it: a complete() called meanwhile is held back
      // until this dispatch returns, so the listener sees onComplete either way.
      request.getAsyncContext().addListener(new EndOnComplete(ctx, endWatch));
      return true;
    } catch (IllegalStateException e) { // completed already: end now
      return false;
    }
  }

  private static void end(CancellableContext ctx, Runnable endWatch) {
    ctx.cancel(); // first, so a late disconnect report cannot give a finished request a cause
    if (endWatch != null) {
      endWatch.run();
    }
  }

  /** Ends an asynchronous request's context with the request. */
  private static final class EndOnComplete implements AsyncListener {
    private final CancellableContext ctx;
    private final Runnable endWatch;

    EndOnComplete(CancellableContext ctx, Runnable endWatch) {
      this.ctx = ctx;
      this.endWatch = endWatch;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      end(ctx, endWatch);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      ctx.cancel(new TimeoutException("the servlet container's asynchronous timeout expired"));
    }

    @Override
    public void onError(AsyncEvent event) {
      Throwable t = event.getThrowable();
      ctx.cancel(
          t instanceof IOException
              ? new ClientDisconnectedException("the client went away", t)
              : t);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      AsyncContext again = event.getAsyncContext();
      if (again != null) {
        again.addListener(this); // startAsync again drops the listeners: stay registered
      }
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ContextFilter.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Settings; init-params make a new one. */
  private record Settings(
      Context parent,
      DeadlineHeaders headers,
      Duration maxTimeout, // null: no cap
      boolean rejectMalformed,
      boolean watchHttp1) {

    Settings with(FilterConfig config) throws ServletException {
      DeadlineHeaders h = headers;
      Duration max = maxTimeout;
      boolean reject = rejectMalformed;
      boolean watch = watchHttp1;
      Enumeration<String> names = config.getInitParameterNames();
      for (String name : names == null ? List.<String>of() : Collections.list(names)) {
        String raw = config.getInitParameter(name);
        String value = raw == null ? "" : raw.strip();
        switch (name) {
          case MAX_TIMEOUT_PARAM -> max = duration(name, value);
          case IGNORE_MALFORMED_HEADERS_PARAM -> reject = !bool(name, value);
          case HTTP1_DISCONNECT_WATCHER_PARAM -> watch = bool(name, value);
          case HEADERS_PARAM -> h = headerList(name, value, h);
          default ->
              throw new ServletException(
                  "ContextFilter: unknown init-param \""
                      + name
                      + "\"; known: "
                      + String.join(", ", PARAMS));
        }
      }
      return new Settings(parent, h, max, reject, watch);
    }

    private static Duration duration(String name, String value) throws ServletException {
      Duration d;
      try {
        d = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw bad(name, value, "a positive ISO-8601 duration such as PT30S", e);
      }
      if (d.isNegative() || d.isZero()) {
        throw bad(name, value, "a positive ISO-8601 duration such as PT30S", null);
      }
      return d;
    }

    private static boolean bool(String name, String value) throws ServletException {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw bad(name, value, "true or false", null);
      };
    }

    private static DeadlineHeaders headerList(String name, String value, DeadlineHeaders current)
        throws ServletException {
      List<TimeoutHeader> read = new ArrayList<>();
      if (!value.isEmpty()) {
        for (String part : value.split(",", -1)) {
          String wanted = part.strip();
          TimeoutHeader found = null;
          for (TimeoutHeader t : TimeoutHeader.values()) {
            if (t.headerName().equalsIgnoreCase(wanted) || t.name().equalsIgnoreCase(wanted)) {
              found = t;
            }
          }
          if (found == null) {
            List<String> known = new ArrayList<>();
            for (TimeoutHeader t : TimeoutHeader.values()) {
              known.add(t.headerName());
            }
            throw bad(name, value, "a comma-separated list of " + String.join(", ", known), null);
          }
          read.add(found);
        }
      }
      return DeadlineHeaders.of(read, current.write().orElse(null));
    }

    private static ServletException bad(
        String name, String value, String expected, Throwable cause) {
      return new ServletException(
          "ContextFilter init-param "
              + name
              + ": expected "
              + expected
              + ", got "
              + TimeoutHeader.quote(value),
          cause);
    }
  }

  /** The state between init and destroy. */
  private record Running(
      Settings settings,
      Context base, // parent of each request context: the lifetime, or the parent before init
      CancellableContext lifetime, // null before init
      DisconnectWatcher watcher, // null: not watching HTTP/1.1
      Runnable unlisten) {} // removes the server-stopping listener; null if none

  /**
   * Tells a filter when the client of a request goes away, on a container whose Servlet API cannot
   * (for example Tomcat's connections reached by an integration, with a {@link DisconnectWatcher}).
   */
  @FunctionalInterface
  public interface ClientDisconnects {
    /**
     * Starts watching {@code request}'s client, on the request's thread before the chain runs;
     * {@code gone} may be called at most once, on any thread, when the client left.
     *
     * @return ends the watch (called once, after the request context ended); null if the request
     *     cannot be watched
     */
    Runnable watch(ServletRequest request, Consumer<ClientDisconnectedException> gone);
  }

  /**
   * Settings for a {@link ContextFilter} (the shared ones are on {@link RequestContextOptions}).
   * Not thread-safe; build once.
   */
  public static final class Builder extends RequestContextOptions<Builder> {
    private boolean useJetty = true;
    private ClientDisconnects disconnects;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Where the filter learns that a client left on containers other than Jetty 12 ee10 (on which
     * the filter's own mechanism is used and this one is not consulted). Default: none.
     *
     * @throws NullPointerException if {@code disconnects} is null
     */
    public Builder clientDisconnects(ClientDisconnects disconnects) {
      this.disconnects = Objects.requireNonNull(disconnects, "disconnects");
      return this;
    }

    /** Uses the Servlet API alone, as on a container other than Jetty (for tests). */
    Builder servletApiOnly() {
      this.useJetty = false;
      return this;
    }

    /** The filter; hand it to the container, which calls {@link ContextFilter#init}. */
    public ContextFilter build() {
      return new ContextFilter(this);
    }
  }
}
