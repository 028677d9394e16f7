package dev.ctx4j.example.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A report that queries the database and then asks a second endpoint for a price. Nothing here
 * mentions ctx4j: the query stops when the client hangs up or the caller's deadline passes, and the
 * call to the second endpoint carries what is left of the budget.
 */
@RestController
public class ReportController {
  private final JdbcClient jdbc;
  private final RestClient rest;

  public ReportController(JdbcClient jdbc, RestClient.Builder rest) {
    this.jdbc = jdbc;
    this.rest = rest.build();
  }

  /** Runs a slow query ({@code seconds} of pg_sleep), then fetches the price from this server. */
  @GetMapping("/report")
  public String report(
      @RequestParam(defaultValue = "0") double seconds, HttpServletRequest request) {
    int rows =
        jdbc.sql("select 1 from pg_sleep(?) /* example-report */")
            .param(seconds)
            .query(Integer.class)
            .single();
    String self = "http://127.0.0.1:" + request.getLocalPort();
    String price = rest.get().uri(self + "/price").retrieve().body(String.class);
    return "rows=" + rows + " " + price;
  }

  /** The second endpoint: tells the budget the report's call carried. */
  @GetMapping("/price")
  public String price(@RequestHeader(name = "Connect-Timeout-Ms", required = false) String budget) {
    return "price=42 budgetMs=" + (budget == null ? "none" : budget);
  }
}
