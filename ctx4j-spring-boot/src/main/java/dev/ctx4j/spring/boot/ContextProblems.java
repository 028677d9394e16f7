package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.ContextStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a request whose work failed because a context ended: 504 for a deadline, 503 for a server
 * stopping (or another cancellation), and nothing at all for a client that left (the status is set
 * to 499 for access logs; no body is written). Runs after Spring MVC's own resolvers
 * ({@code @ExceptionHandler} methods and {@code @ControllerAdvice} beans win), so an application
 * that handles {@link ContextException} itself keeps its answer.
 *
 * <p>A failure is the context's doing when a {@link ContextException} is in its cause chain, or
 * when the request context has ended (a JDBC driver or HTTP client that was stopped may throw its
 * own exception).
 */
final class ContextProblems implements HandlerExceptionResolver, Ordered {
  private static final System.Logger LOG = System.getLogger(ContextProblems.class.getName());

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 100;
  }

  @Override
  public ModelAndView resolveException(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    Context ctx = ContextFilter.context(request);
    ContextException found = find(ex);
    int status;
    if (ctx.isDone()) {
      status = ContextStatus.of(ctx.err(), ctx.cause());
    } else if (found != null) {
      status = ContextStatus.of(found, found.getCause());
    } else {
      return null; // not a context's doing: let Spring answer
    }
    if (status == ContextStatus.CLIENT_CLOSED_REQUEST) {
      LOG.log(
          Level.DEBUG,
          () -> "499 " + request.getMethod() + " " + request.getRequestURI() + ": " + ex);
      if (!response.isCommitted()) {
        response.setStatus(status); // for access logs; nothing is written
      }
      return new ModelAndView();
    }
    boolean deadline = status == ContextStatus.GATEWAY_TIMEOUT;
    try {
      Problems.write(
          request,
          response,
          status,
          deadline ? "Gateway Timeout" : "Service Unavailable",
          deadline
              ? "the request's deadline passed before its work completed"
              : "the request's work was stopped: the server is stopping or the work was cancelled");
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "writing the problem response failed", e);
    }
    return new ModelAndView();
  }

  /** The first {@link ContextException} in {@code t}'s cause chain, or null. */
  static ContextException find(Throwable t) {
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof ContextException c) {
        return c;
      }
    }
    return null;
  }
}
