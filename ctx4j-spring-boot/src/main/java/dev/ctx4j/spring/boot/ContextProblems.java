package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.http.ClientDisconnectedException;
import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.ServerStoppedException;
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
  /** Client Closed Request, as nginx logs it. */
  static final int CLIENT_CLOSED_REQUEST = 499;

  private static final System.Logger LOG = System.getLogger(ContextProblems.class.getName());

  /** Why a context ended, as an answer. */
  enum Kind {
    DEADLINE(HttpServletResponse.SC_GATEWAY_TIMEOUT, "Gateway Timeout", "deadline"),
    CLIENT_GONE(CLIENT_CLOSED_REQUEST, "Client Closed Request", "client-disconnect"),
    SERVER_STOPPING(
        HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service Unavailable", "server-stop"),
    CANCELLED(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service Unavailable", "application");

    final int status;
    final String title;
    final String tag;

    Kind(int status, String title, String tag) {
      this.status = status;
      this.title = title;
      this.tag = tag;
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 100;
  }

  @Override
  public ModelAndView resolveException(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
    Context ctx = ContextFilter.context(request);
    ContextException found = find(ex);
    Kind kind;
    if (ctx.isDone()) {
      kind = kind(ctx.err(), ctx.cause());
    } else if (found != null) {
      kind = kind(found, found.getCause());
    } else {
      return null; // not a context's doing: let Spring answer
    }
    if (kind == Kind.CLIENT_GONE) {
      LOG.log(
          Level.DEBUG,
          () -> "499 " + request.getMethod() + " " + request.getRequestURI() + ": " + ex);
      if (!response.isCommitted()) {
        response.setStatus(CLIENT_CLOSED_REQUEST);
      }
      return new ModelAndView();
    }
    try {
      Problems.write(request, response, kind.status, kind.title, detail(kind, ctx));
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "writing the problem response failed", e);
    }
    return new ModelAndView();
  }

  private static String detail(Kind kind, Context ctx) {
    return switch (kind) {
      case DEADLINE -> "the request's deadline passed before its work completed";
      case SERVER_STOPPING -> "the server is stopping";
      case CANCELLED ->
          ctx.isDone() ? "the request's context was cancelled" : "the work's context was cancelled";
      case CLIENT_GONE -> "the client closed the request";
    };
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

  /** What a context that ended with {@code err} and {@code cause} means for the request. */
  static Kind kind(ContextException err, Throwable cause) {
    if (err instanceof DeadlineExceededException) {
      return Kind.DEADLINE;
    }
    for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
      if (cause instanceof ClientDisconnectedException) {
        return Kind.CLIENT_GONE;
      }
      if (cause instanceof ServerStoppedException) {
        return Kind.SERVER_STOPPING;
      }
      if (cause instanceof DeadlineExceededException) {
        return Kind.DEADLINE;
      }
    }
    return Kind.CANCELLED;
  }
}
