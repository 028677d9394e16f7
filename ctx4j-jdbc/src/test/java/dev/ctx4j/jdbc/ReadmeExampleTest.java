package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The README's "Stopping real work — JDBC" example, run against H2 (the README compiles it). */
class ReadmeExampleTest {

  /** The README's code, unchanged. */
  static class OrderCounts {
    long count(javax.sql.DataSource pool, Context request) throws Exception {
      var db = ContextDataSource.wrap(pool); // once, where the pool is built
      try (var ctx = request.withTimeout(Duration.ofSeconds(2));
          var c = ctx.call(db::getConnection);
          var rs =
              ctx.call(() -> c.createStatement().executeQuery("SELECT count(*) FROM orders"))) {
        return rs.next() ? rs.getLong(1) : 0; // past 2 s: DeadlineExceededException
      }
    }
  }

  @Test
  void readmeExample_countsRows_andRefusesAnEndedRequest() throws Exception {
    DataSource pool = Db.H2.rawDataSource();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS orders(id INT)");
      s.execute("DELETE FROM orders");
      s.execute("INSERT INTO orders VALUES (1), (2), (3)");
    }
    new OrderCounts().count(pool, Context.background()); // warm up: class loading, first connection
    assertEquals(3, new OrderCounts().count(pool, Context.background()));
    CancellableContext request = Context.background().withCancel();
    request.cancel();
    assertThrows(ContextCancelledException.class, () -> new OrderCounts().count(pool, request));
  }
}
