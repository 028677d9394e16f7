package dev.ctx4j.spring.boot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Watches PostgreSQL's pg_stat_activity for the test queries, whose text carries a token. Polls
 * (the database offers no event for a query ending) every millisecond.
 */
final class PgActivity implements AutoCloseable {
  private final Connection connection;
  private final PreparedStatement active;
  private final boolean spin;

  PgActivity() throws SQLException {
    this(false);
  }

  /** {@code spin}: poll back to back, without the 1 ms pause (for the latency program). */
  PgActivity(boolean spin) throws SQLException {
    this.spin = spin;
    connection =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    active =
        connection.prepareStatement(
            "select count(*) from pg_stat_activity where state = 'active'"
                + " and pid <> pg_backend_pid() and query like ?");
  }

  boolean isActive(String token) throws SQLException {
    active.setString(1, "%ctx4j-spring " + token + " %");
    try (ResultSet rs = active.executeQuery()) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /** Waits until the token's query runs; fails after {@code max}. */
  void awaitActive(String token, Duration max) throws Exception {
    await(token, true, max);
  }

  /**
   * Waits until the token's query no longer runs.
   *
   * @return nanoseconds waited
   */
  long awaitGone(String token, Duration max) throws Exception {
    long t0 = System.nanoTime();
    await(token, false, max);
    return System.nanoTime() - t0;
  }

  private void await(String token, boolean wanted, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (isActive(token) != wanted) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError(
            "query " + token + (wanted ? " never started" : " still running") + " after " + max);
      }
      if (!spin) {
        Thread.sleep(1); // polling the database: it has no completion event to wait on
      }
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
