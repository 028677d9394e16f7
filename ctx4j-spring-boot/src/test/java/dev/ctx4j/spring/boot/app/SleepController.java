package dev.ctx4j.spring.boot.app;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import jakarta.persistence.EntityManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.async.DeferredResult;

/** Endpoints that block in PostgreSQL, call out, go async, or describe their context. */
@RestController
public class SleepController {
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9-]{1,40}");

  private final JdbcClient jdbc;
  private final EntityManager jpa;
  private final RestClient rest;
  private final AsyncWork async;

  public SleepController(
      JdbcClient jdbc, EntityManager jpa, RestClient.Builder rest, AsyncWork async) {
    this.jdbc = jdbc;
    this.jpa = jpa;
    this.rest = rest.build();
    this.async = async;
  }

  /** Sleeps {@code s} seconds in PostgreSQL; the query text carries {@code token}. */
  @GetMapping("/sleep")
  public String sleep(
      @RequestParam double s,
      @RequestParam String token,
      @RequestParam(defaultValue = "jdbc") String via) {
    String sql = "select 1 from pg_sleep(?) /* ctx4j-spring " + checked(token) + " */";
    if (via.equals("jpa")) {
      Object r = jpa.createNativeQuery(sql).setParameter(1, s).getSingleResult();
      return "slept " + r;
    }
    return "slept " + jdbc.sql(sql).param(s).query(Integer.class).single();
  }

  /** As /sleep, but the controller catches the ContextException and answers 200 anyway. */
  @GetMapping("/swallow")
  public String swallow(@RequestParam double s, @RequestParam String token) {
    try {
      return sleep(s, token, "jdbc");
    } catch (ContextException e) {
      return "swallowed " + e.getClass().getSimpleName();
    }
  }

  /**
   * Waits for the request context to end (at the latest at its deadline), recording when it entered
   * and when and why the context ended in {@link Holds}; then throws the context's exception.
   */
  @GetMapping("/hold")
  public String hold(@RequestParam String token, Context ctx) throws InterruptedException {
    Holds.entered(checked(token), ctx);
    ctx.await();
    ctx.throwIfDone(); // answered as the starter answers a context that ended
    return "ended";
  }

  /** Describes the request context: the Context parameter against Context.current(). */
  @GetMapping("/context")
  public String context(Context ctx, HttpServletRequest request) {
    return describe(ctx) + " server=" + request.getClass().getName();
  }

  static String describe(Context ctx) {
    return "same="
        + (ctx == Context.current())
        + " cancellable="
        + (ctx instanceof CancellableContext)
        + " done="
        + ctx.isDone()
        + " remainingMs="
        + ctx.deadline().map(d -> Long.toString(d.remaining().toMillis())).orElse("none");
  }

  /** Calls /echo-budget on this server through the auto-configured RestClient. */
  @GetMapping("/outbound")
  public String outbound(@RequestParam int port, @RequestParam(defaultValue = "0") long holdMs) {
    return rest.get()
        .uri("http://127.0.0.1:" + port + "/echo-budget?holdMs=" + holdMs)
        .retrieve()
        .body(String.class);
  }

  /** Answers the budget header it received, after holding {@code holdMs} inside its context. */
  @GetMapping("/echo-budget")
  public String echoBudget(
      @RequestHeader(name = "Connect-Timeout-Ms", required = false) String budget,
      @RequestParam(defaultValue = "0") long holdMs,
      Context ctx)
      throws InterruptedException {
    if (holdMs > 0) {
      ctx.sleep(java.time.Duration.ofMillis(holdMs));
    }
    return "budget=" + budget;
  }

  /** A Callable: Spring runs it on its executor after the request thread returned. */
  @GetMapping("/callable")
  public Callable<String> callable(@RequestParam double s, @RequestParam String token) {
    return () -> sleep(s, token, "jdbc") + " " + describe(Context.current());
  }

  /** A DeferredResult completed by an @Async method. */
  @GetMapping("/deferred")
  public DeferredResult<String> deferred() {
    DeferredResult<String> result = new DeferredResult<>();
    CompletableFuture<String> unused =
        async
            .describeCurrent()
            .whenComplete(
                (text, failure) -> {
                  if (failure != null) {
                    result.setErrorResult(failure);
                  } else {
                    result.setResult(text);
                  }
                });
    return result;
  }

  /** Sends an error status: the container dispatches to the error page. */
  @GetMapping("/teapot")
  public void teapot(HttpServletResponse response) throws IOException {
    response.sendError(418, "short and stout");
  }

  private static String checked(String token) {
    if (!TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("token must match " + TOKEN);
    }
    return token;
  }
}
