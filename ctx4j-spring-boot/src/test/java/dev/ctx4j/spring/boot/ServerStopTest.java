package dev.ctx4j.spring.boot;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.http.ServerStoppedException;
import dev.ctx4j.spring.boot.app.Holds;
import dev.ctx4j.spring.boot.app.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application stops while requests are in flight: Spring Boot's graceful shutdown gives them
 * its period, then the starter ends their contexts with {@link ServerStoppedException} before the
 * server closes its connections (docs/adr/0101): the PostgreSQL query stops and the client gets a
 * 503 problem response. Its own application (the shared one must not be stopped), on Tomcat or
 * Jetty.
 */
@Tag("server")
class ServerStopTest {
  private static final String SERVER = System.getProperty("ctx4j.test.server", "tomcat");

  @Test
  @Timeout(120)
  void gracefulPeriodOver_inFlightRequestsEndAsServerStop_503Problem_queryStopped()
      throws Exception {
    ConfigurableApplicationContext app =
        new SpringApplication(TestApp.class)
            .run(
                "--server.port=0",
                "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=1s",
                "--ctx4j.http.max-timeout=60s");
    boolean closed = false;
    try (PgActivity pg = new PgActivity()) {
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port", "0"));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = "stop-" + SERVER + "-" + System.nanoTime() % 1_000_000;
      String holdToken = token + "-hold";
      Holds.Hold hold = Holds.of(holdToken);
      CompletableFuture<HttpResponse<String>> query =
          client.sendAsync(
              request(port, "/sleep?s=60&token=" + token), HttpResponse.BodyHandlers.ofString());
      CompletableFuture<HttpResponse<String>> held =
          client.sendAsync(
              request(port, "/hold?token=" + holdToken), HttpResponse.BodyHandlers.ofString());
      pg.awaitActive(token, Duration.ofSeconds(30));
      hold.entered().get(30, SECONDS);

      long t0 = System.nanoTime();
      app.close(); // returns once the server has stopped
      closed = true;
      long closeMs = (System.nanoTime() - t0) / 1_000_000;

      Holds.Ended ended = hold.ended().get(10, SECONDS);
      assertInstanceOf(ServerStoppedException.class, ended.cause());
      long endedMs = (ended.nanoTime() - t0) / 1_000_000;
      // Not before the graceful period (1 s), and not at the query's 60 s or the 60 s budget.
      assertTrue(endedMs >= 900 && endedMs < 30_000, "context ended after " + endedMs + " ms");
      assertFalse(pg.isActive(token), "the query still runs after the application stopped");

      for (CompletableFuture<HttpResponse<String>> f : java.util.List.of(query, held)) {
        HttpResponse<String> r = f.get(10, SECONDS);
        assertEquals(503, r.statusCode(), r.body());
        assertEquals(
            "application/problem+json",
            r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(r.body().contains("\"status\":503"), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
      }
      System.out.println(
          SERVER
              + " stop: context ended "
              + endedMs
              + " ms after close() began; close() took "
              + closeMs
              + " ms");
    } finally {
      if (!closed) {
        app.close();
      }
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(90))
        .build();
  }
}
