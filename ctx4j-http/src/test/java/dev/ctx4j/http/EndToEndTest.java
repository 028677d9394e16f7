package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Deadline;
import dev.ctx4j.DeadlineExceededException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three services on loopback, A → B → C, each behind a {@link RequestContextHandler} and calling
 * the next through a {@link ContextHttpClient}; C runs a PostgreSQL {@code pg_sleep} query inside
 * its request context. Needs PostgreSQL (see {@link Postgres#requireReachable()}).
 */
class EndToEndTest {
  /** What one service saw. */
  static final class Hop {
    final CountDownLatch entered = new CountDownLatch(1);
    final CompletableFuture<Long> budgetMillis = new CompletableFuture<>();
    final CompletableFuture<Throwable> outcome = new CompletableFuture<>(); // null: success
    final CompletableFuture<Context> context = new CompletableFuture<>();
    final CompletableFuture<Long> finishedAt = new CompletableFuture<>();

    void enter() {
      Context ctx = Context.current();
      context.complete(ctx);
      budgetMillis.complete(ctx.deadline().map(d -> d.remaining().toMillis()).orElse(-1L));
      entered.countDown();
    }

    boolean finish(Response response, Callback callback, Throwable failure) {
      outcome.complete(failure);
      finishedAt.complete(System.nanoTime());
      return TestServer.ok(response, callback, failure == null ? "ok" : failure.toString());
    }
  }

  private final String marker = "ctx4j_e2e_" + UUID.randomUUID().toString().replace("-", "");
  private final Hop a = new Hop();
  private final Hop b = new Hop();
  private final Hop c = new Hop();
  private HttpClient jdk;
  private TestServer serverA;
  private TestServer serverB;
  private TestServer serverC;

  @BeforeEach
  void startServices() throws Exception {
    Postgres.requireReachable();
    jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ContextHttpClient client = ContextHttpClient.wrap(jdk);
    serverC = TestServer.start(this::serviceC);
    serverB = TestServer.start(forwardTo(b, client, serverC));
    serverA = TestServer.start(forwardTo(a, client, serverB));
  }

  @AfterEach
  void stopServices() throws Exception {
    for (TestServer s : new TestServer[] {serverA, serverB, serverC}) {
      if (s != null) {
        s.close();
      }
    }
    if (jdk != null) {
      jdk.close();
    }
  }

  private static TestServer.App forwardTo(Hop hop, ContextHttpClient client, TestServer next) {
    return (request, response, callback) -> {
      hop.enter();
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(next.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        return hop.finish(
            response,
            callback,
            r.statusCode() == 200 && r.body().equals("ok")
                ? null
                : new IllegalStateException("downstream said " + r.body()));
      } catch (ContextException | java.io.IOException e) {
        return hop.finish(response, callback, e);
      }
    };
  }

  /** Service C: a 30-second query, stopped when the request context ends. */
  private boolean serviceC(Request request, Response response, Callback callback) {
    c.enter();
    Context ctx = Context.current();
    try (Connection conn = Postgres.connect();
        Statement st = conn.createStatement()) {
      var cancel =
          ctx.afterDone(
              () -> {
                try {
                  st.cancel();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        ctx.throwIfDone(); // a cancel issued before execute would be lost
        st.execute("select pg_sleep(30) /* " + marker + " */");
      } finally {
        cancel.stop();
      }
      return c.finish(response, callback, null);
    } catch (SQLException | ContextException e) {
      return c.finish(response, callback, e);
    }
  }

  @Test
  void clientOfAHangsUp_queryAtCCancelled() throws Exception {
    try (Socket socket = serverA.rawGet("/")) {
      assertTrue(c.entered.await(20, SECONDS));
      Postgres.awaitActive(marker, Duration.ofSeconds(20));
      socket.close();
    }
    for (Hop hop : new Hop[] {a, b, c}) {
      assertNotNull(hop.outcome.get(30, SECONDS), "each hop ends in failure");
      Context ctx = hop.context.get();
      assertTrue(ctx.await(Duration.ofSeconds(10)));
      assertInstanceOf(ClientDisconnectedException.class, ctx.cause());
    }
    SQLException e = assertInstanceOf(SQLException.class, c.outcome.get());
    assertEquals("57014", e.getSQLState(), "query_canceled: " + e);
    assertEquals(0, Postgres.activeQueries(marker), "no query left running in pg_stat_activity");
  }

  @Test
  void clientOfASends300msBudget_cSeesLessAndChainEndsByDeadline() throws Exception {
    ContextHttpClient client = ContextHttpClient.builder(jdk).margin(Duration.ZERO).build();
    long deadlineNanos;
    Throwable clientOutcome;
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
      Deadline deadline = ctx.deadline().orElseThrow();
      deadlineNanos = System.nanoTime() + deadline.remaining().toNanos();
      try {
        HttpResponse<String> r =
            client.send(
                ctx,
                HttpRequest.newBuilder(serverA.uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        clientOutcome = new IllegalStateException("A answered " + r.statusCode() + " " + r.body());
      } catch (DeadlineExceededException e) {
        clientOutcome = e;
      }
    }
    assertNotNull(clientOutcome);
    long cBudget = c.budgetMillis.get(10, SECONDS);
    assertTrue(cBudget > 0 && cBudget < 300, "C's budget " + cBudget + " ms");
    assertTrue(b.budgetMillis.get() >= cBudget, "budgets shrink along the chain");
    assertTrue(a.budgetMillis.get() >= b.budgetMillis.get(), "budgets shrink along the chain");
    SQLException e = assertInstanceOf(SQLException.class, c.outcome.get(30, SECONDS));
    assertEquals("57014", e.getSQLState(), "query_canceled: " + e);
    // C's context ends by its own deadline, or, when its timer thread is a little late on a busy
    // machine, because B (whose deadline is a margin later) gave up on it first.
    Context cCtx = c.context.get();
    assertTrue(
        cCtx.err() instanceof DeadlineExceededException
            || cCtx.cause() instanceof ClientDisconnectedException,
        "C ended by " + cCtx.cause());
    // "By its deadline": every hop finished no later than the client's deadline, plus a grace
    // for thread scheduling on a loaded 2-core machine. Not a speed claim: the query would
    // otherwise run for 30 s.
    long grace = Duration.ofSeconds(2).toNanos();
    for (Hop hop : new Hop[] {a, b, c}) {
      long late = hop.finishedAt.get(30, SECONDS) - deadlineNanos;
      assertTrue(late < grace, "a hop finished " + Duration.ofNanos(late) + " after the deadline");
    }
    assertEquals(0, Postgres.activeQueries(marker), "no query left running in pg_stat_activity");
  }
}
