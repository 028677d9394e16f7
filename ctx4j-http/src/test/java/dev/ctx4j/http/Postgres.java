package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;

/** The local PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth). */
final class Postgres {
  static final String URL =
      System.getProperty(
          "ctx4j.test.postgres.url",
          "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=5");

  private Postgres() {}

  /**
   * Skips the calling test when PostgreSQL is unreachable, except on CI ({@code CI=true}), where it
   * fails loudly.
   */
  static void requireReachable() {
    try (Connection c = DriverManager.getConnection(URL)) {
      c.isValid(5);
    } catch (SQLException e) {
      String why = "PostgreSQL at " + URL + " is unreachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true: tests that need PostgreSQL must run)", e);
      }
      Assumptions.abort(why + "; skipping (set CI=true to make this a failure)");
    }
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL);
  }

  /** Queries running right now whose text contains {@code marker}, other than this one. */
  static int activeQueries(String marker) throws SQLException {
    try (Connection c = connect();
        PreparedStatement st =
            c.prepareStatement(
                "select count(*) from pg_stat_activity where state = 'active'"
                    + " and pid <> pg_backend_pid() and position(? in query) > 0")) {
      st.setString(1, marker);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Waits until a query containing {@code marker} is running in PostgreSQL. The database offers no
   * notification for this, so it polls pg_stat_activity every 10 ms, for at most {@code max}.
   */
  static void awaitActive(String marker, Duration max) throws SQLException {
    long end = System.nanoTime() + max.toNanos();
    while (activeQueries(marker) == 0) {
      if (System.nanoTime() - end > 0) {
        fail("no query containing " + marker + " started within " + max);
      }
      LockSupport.parkNanos(10_000_000L);
    }
  }
}
