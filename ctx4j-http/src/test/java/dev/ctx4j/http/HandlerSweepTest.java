package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.jdbc.ContextDataSource;
import dev.ctx4j.junit.CancellationSweep;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The cancellation sweep over a service handler that reads PostgreSQL through {@link
 * ContextDataSource} and then asks an upstream Jetty server through {@link ContextHttpClient}:
 * cancelled, or past its deadline, at each point it passes, it stops with the context's exception
 * or answers in full. A copy that swallows the database's cancel fails the sweep, naming the point.
 * Needs PostgreSQL.
 */
class HandlerSweepTest {
  private static TestServer upstream;
  private static HttpClient jdk;
  private static ContextHttpClient client;
  private static DataSource database;

  @BeforeAll
  static void start() throws Exception {
    Postgres.requireReachable();
    upstream =
        TestServer.start(
            (request, response, callback) -> TestServer.ok(response, callback, "in stock"));
    jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    client = ContextHttpClient.wrap(jdk);
    database = ContextDataSource.wrap(Postgres.dataSource());
  }

  @AfterAll
  static void stop() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    if (jdk != null) {
      jdk.close();
    }
  }

  /** The handler: a price from the database, then the stock from the upstream service. */
  static String quote(String sku) throws SQLException, IOException, InterruptedException {
    int price = price(sku);
    return sku + ": " + price + ", " + stock();
  }

  /** Broken: asks the stock first, then takes a cancelled query for a missing price. */
  static String quoteSwallowingTheCancel(String sku) throws IOException, InterruptedException {
    String stock = stock();
    int price;
    try {
      price = price(sku);
    } catch (SQLException | ContextException e) {
      price = 0; // "no price yet"
    }
    return sku + ": " + price + ", " + stock;
  }

  private static int price(String sku) throws SQLException {
    try (Connection conn = database.getConnection();
        PreparedStatement st = conn.prepareStatement("select length(?) * 10")) {
      st.setString(1, sku);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String stock() throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(upstream.uri("/stock")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Sweeps, run through JUnit's own engine by the tests below (not by the build on their own). */
  static class Sweeps {
    /**
     * Every point both ways. A run may answer normally when the cancel lands after the upstream has
     * answered (finished work is kept, S29): the answer must then be the whole one.
     */
    @CancellationSweep(normalReturnAfterCancel = true)
    void quote(Context ctx) throws Exception {
      assertEquals("acme: 40, in stock", ctx.call(() -> HandlerSweepTest.quote("acme")));
    }

    @CancellationSweep(normalReturnAfterCancel = true, deadlines = false)
    void quoteSwallowing(Context ctx) throws Exception {
      assertEquals("acme: 40, in stock", ctx.call(() -> quoteSwallowingTheCancel("acme")));
    }
  }

  private static Events sweep(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(DiscoverySelectors.selectMethod(Sweeps.class, method, Context.class.getName()))
        .execute()
        .testEvents();
  }

  private static List<String> messages(Events failed) {
    return failed.stream()
        .map(
            e ->
                e.getRequiredPayload(TestExecutionResult.class)
                    .getThrowable()
                    .map(Throwable::getMessage)
                    .orElse(""))
        .toList();
  }

  @Test
  void handler_everyPointCancelledAndExpired_stopsOrAnswersInFull() {
    Events events = sweep("quote");
    List<String> names =
        events.started().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    assertEquals(List.of(), messages(events.failed()), String.join("\n", names));
    String site = "at dev.ctx4j.http.HandlerSweepTest.";
    // the connection, the query and the upstream exchange are each a point of the handler's own
    // (price and stock lines)
    long lines =
        names.stream()
            .filter(n -> n.contains(site))
            .map(n -> n.substring(n.indexOf(site), n.indexOf(')', n.indexOf(site))))
            .distinct()
            .count();
    assertTrue(
        lines >= 3, "points on at least 3 lines of the handler:\n" + String.join("\n", names));
    assertTrue(
        names.stream().anyMatch(n -> n.contains("deadline at point")), String.join("\n", names));
  }

  @Test
  void swallowedCancel_failsTheSweepNamingThePoint() {
    Events events = sweep("quoteSwallowing");
    List<String> failed = messages(events.failed());
    assertTrue(events.succeeded().count() >= 1, "the count run passes");
    assertTrue(
        failed.stream()
            .anyMatch(
                m ->
                    m.contains("cancelled at point")
                        && m.contains("HandlerSweepTest.price(HandlerSweepTest.java:")
                        && m.contains("acme: 0, in stock")),
        String.join("\n\n", failed));
  }
}
