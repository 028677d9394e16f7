package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.Registration;
import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.DeadlineHeaders;
import dev.ctx4j.http.MalformedTimeoutHeaderException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The request filter of the Spring Boot integration: a {@link ContextFilter} (which owns the
 * request context, its deadline, binding and end) preceded by a check of the timeout headers that
 * answers a malformed one with an RFC 9457 problem naming the header, rather than the container's
 * error page, whose message Spring Boot hides by default.
 */
final class RequestContextFilter implements Filter {
  private final ContextFilter delegate;
  private final DeadlineHeaders headers; // null: malformed headers are ignored
  private final List<RequestEnds> ends; // empty: no probe
  private final ServerLifetime lifetime;

  RequestContextFilter(
      ContextFilter delegate,
      DeadlineHeaders headers,
      List<RequestEnds> ends,
      ServerLifetime lifetime) {
    this.delegate = delegate;
    this.headers = headers;
    this.ends = List.copyOf(ends);
    this.lifetime = lifetime;
  }

  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    delegate.init(filterConfig);
  }

  @Override
  public void destroy() {
    delegate.destroy();
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getDispatcherType() != DispatcherType.REQUEST) {
      filter(request, response, chain);
      return;
    }
    // Counted until answered, so that a stopping server waits for its 503 answers (ServerLifetime).
    lifetime.requestStarted();
    boolean answered = true;
    try {
      filter(request, response, chain);
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Answered());
        answered = false;
      }
    } finally {
      if (answered) {
        lifetime.requestAnswered();
      }
    }
  }

  private void filter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (headers != null
        && request.getDispatcherType() == DispatcherType.REQUEST
        && request instanceof HttpServletRequest http
        && response instanceof HttpServletResponse httpResponse) {
      try {
        headers.timeout(name -> values(http, name));
      } catch (MalformedTimeoutHeaderException e) {
        Problems.write(
            http, httpResponse, HttpServletResponse.SC_BAD_REQUEST, "Bad Request", e.getMessage());
        return;
      }
    }
    if (ends.isEmpty() || request.getDispatcherType() != DispatcherType.REQUEST) {
      delegate.doFilter(request, response, chain);
      return;
    }
    delegate.doFilter(request, response, (rq, rs) -> probed(rq, rs, chain));
  }

  /** Runs the chain with an {@link EndProbe} on the request context. */
  private void probed(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Context ctx = ContextFilter.context(request);
    EndProbe probe = new EndProbe(ctx, ends);
    Registration unused = ctx.afterDone(probe);
    try {
      chain.doFilter(request, response);
    } finally {
      probe.returned(request.isAsyncStarted());
    }
  }

  /**
   * Counts an asynchronous request as answered when it completes (after an error or timeout too).
   */
  private final class Answered implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      lifetime.requestAnswered();
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this); // a new async cycle: still to be answered
    }
  }

  private static List<String> values(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }
}
