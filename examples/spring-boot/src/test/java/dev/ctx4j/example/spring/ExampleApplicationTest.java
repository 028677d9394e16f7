package dev.ctx4j.example.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The example as a user would check it: real Tomcat, real PostgreSQL, no ctx4j code. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
  @Value("${local.server.port}")
  int port;

  @Test
  void report_carriesBudgetToSecondEndpoint() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/report"))
                    .header("Connect-Timeout-Ms", "5000")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().matches("rows=1 price=42 budgetMs=\\d+"), r.body());
  }

  @Test
  void deadline_504() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/report?seconds=30"))
                    .header("Connect-Timeout-Ms", "300")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(504, r.statusCode(), r.body());
  }

  @Test
  void clientHangsUp_queryLeavesPgStatActivity() throws Exception {
    try (Connection pg =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement st = pg.createStatement()) {
      Socket client = new Socket("127.0.0.1", port);
      client
          .getOutputStream()
          .write(
              "GET /report?seconds=30 HTTP/1.1\r\nHost: x\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      await(st, true);
      long t0 = System.nanoTime();
      client.close();
      await(st, false);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 2_000, "query stopped " + ms + " ms after the client left");
    }
  }

  /** Polls pg_stat_activity (1 ms apart) until the report's query runs, or no longer runs. */
  private static void await(Statement st, boolean running) throws Exception {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (ResultSet rs =
          st.executeQuery(
              "select count(*) from pg_stat_activity where state = 'active'"
                  + " and query like '%example-report%' and pid <> pg_backend_pid()")) {
        rs.next();
        if ((rs.getInt(1) > 0) == running) {
          return;
        }
      }
      assertTrue(System.nanoTime() < end, "query running=" + !running + " after 10 s");
      Thread.sleep(1); // polling the database: pg_stat_activity has no event to wait on
    }
  }
}
