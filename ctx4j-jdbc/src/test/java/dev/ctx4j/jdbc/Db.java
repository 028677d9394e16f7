package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The three databases the tests run against, with the SQL each needs: a query that runs for a long
 * time, a short query that returns a given number, and the server's view of running queries.
 */
enum Db {
  H2 {
    @Override
    DataSource rawDataSource() {
      JdbcDataSource ds = new JdbcDataSource();
      // QUERY_CACHE_SIZE=0: H2 keeps a cancel that lands after a command's last cancellation check
      // on the command object, and its per-session query cache hands that command to the next
      // prepareStatement of the same SQL, which then fails. Without the cache every statement gets
      // a fresh command. See docs/adr/0042-h2-latched-cancel.md.
      ds.setURL("jdbc:h2:mem:" + H2_NAME + ";DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=0");
      ds.setUser("sa");
      return ds;
    }

    @Override
    String longQuery(String tag) {
      // About 10^12 rows: hours of work unless cancelled. H2 checks for a cancel while it loops.
      return "SELECT '"
          + tag
          + "', COUNT(*) FROM SYSTEM_RANGE(1, 1000000) A, SYSTEM_RANGE(1, 1000000) B"
          + " WHERE A.X + B.X < 0";
    }

    @Override
    String shortQuery() {
      return "SELECT CAST(? AS INT), COUNT(*) FROM SYSTEM_RANGE(1, 50) A, SYSTEM_RANGE(1, 50) B"
          + " WHERE A.X + B.X < 0";
    }

    @Override
    String runningCount() {
      return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
          + " WHERE EXECUTING_STATEMENT LIKE ? AND SESSION_ID <> SESSION_ID()";
    }
  },

  POSTGRES {
    @Override
    DataSource rawDataSource() {
      return rawDataSource(5432);
    }

    @Override
    int port() {
      return 5432;
    }

    @Override
    DataSource rawDataSource(int port) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setServerNames(new String[] {"127.0.0.1"});
      ds.setPortNumbers(new int[] {port});
      ds.setDatabaseName("test");
      ds.setUser("postgres");
      ds.setConnectTimeout(3);
      ds.setCancelSignalTimeout(3); // a cancel that cannot be delivered gives up after 3 s
      ds.setApplicationName("ctx4j-jdbc-tests");
      return ds;
    }

    @Override
    String longQuery(String tag) {
      return "SELECT '" + tag + "', pg_sleep(60)";
    }

    @Override
    String shortQuery() {
      return "SELECT CAST(? AS INT), CAST(pg_sleep(0.001) AS TEXT)";
    }

    @Override
    String runningCount() {
      return "SELECT COUNT(*) FROM pg_stat_activity"
          + " WHERE query LIKE ? AND state = 'active' AND pid <> pg_backend_pid()";
    }
  },

  MARIADB {
    @Override
    DataSource rawDataSource() {
      return rawDataSource(3306);
    }

    @Override
    int port() {
      return 3306;
    }

    @Override
    DataSource rawDataSource(int port) {
      try {
        return new MariaDbDataSource(
            "jdbc:mariadb://127.0.0.1:"
                + port
                + "/test?user=root&connectTimeout=3000&sslMode=disable");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    String longQuery(String tag) {
      // Counting 10^12 rows of the built-in SEQUENCE engine: hours unless killed. Unlike SLEEP,
      // which returns 1 as a normal result when KILL QUERY interrupts it, a killed scan fails with
      // error 1317 (SQLSTATE 70100), as real queries do.
      return "SELECT '" + tag + "', COUNT(*) FROM seq_1_to_1000000000000";
    }

    @Override
    String shortQuery() {
      return "SELECT CAST(? AS INT), COUNT(*) FROM seq_1_to_20000";
    }

    @Override
    String runningCount() {
      return "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
          + " WHERE INFO LIKE ? AND ID <> CONNECTION_ID()";
    }
  };

  private static final String H2_NAME = "ctx4j-" + UUID.randomUUID();

  /** The driver's own data source (not wrapped). */
  abstract DataSource rawDataSource();

  /** The server's port on 127.0.0.1 (not for H2). */
  int port() {
    throw new UnsupportedOperationException(this + " has no server");
  }

  /** The driver's own data source for the server reached through {@code port} (not for H2). */
  DataSource rawDataSource(int port) {
    throw new UnsupportedOperationException(this + " has no server");
  }

  /**
   * Ends, from another session, the connection of every session running a query whose text contains
   * {@code tag} ({@code pg_terminate_backend}, {@code KILL CONNECTION}); returns how many.
   */
  int killSessionsRunning(String tag) throws SQLException {
    String find =
        this == POSTGRES
            ? "SELECT pid FROM pg_stat_activity WHERE query LIKE ? AND state = 'active'"
                + " AND pid <> pg_backend_pid()"
            : "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ?"
                + " AND ID <> CONNECTION_ID()";
    int killed = 0;
    try (Connection c = rawDataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(find)) {
      ps.setString(1, "%" + tag + "%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          try (PreparedStatement kill =
              c.prepareStatement(
                  this == POSTGRES ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id)) {
            kill.execute();
            killed++;
          }
        }
      }
    }
    return killed;
  }

  /** A query that runs for at least a minute unless stopped; {@code tag} appears in its text. */
  abstract String longQuery(String tag);

  /**
   * A query of about a millisecond whose first column is its one int parameter; it fails if a
   * cancel reaches it.
   */
  abstract String shortQuery();

  /** Counts other sessions running a query whose text matches the one LIKE parameter. */
  abstract String runningCount();

  /**
   * Returns if this database answers. Otherwise fails when {@code CI=true} (CI must run every test)
   * and skips with a message elsewhere.
   */
  void requireReachable() {
    if (this == H2) {
      return;
    }
    try (Connection c = rawDataSource().getConnection()) {
      c.isValid(3);
    } catch (SQLException e) {
      String message =
          this
              + " is not reachable ("
              + e.getMessage()
              + "); start it with .ci/setup.d/databases.sh";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + " — CI=true, so this test fails instead of skipping", e);
      }
      Assumptions.abort(message + " — skipped outside CI");
    }
  }

  /** How many other sessions run a query whose text contains {@code tag}. */
  int running(String tag) throws SQLException {
    try (Connection c = rawDataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(runningCount())) {
      ps.setString(1, "%" + tag + "%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Polls the server until a query tagged {@code tag} runs; fails after {@code max}. */
  void awaitRunning(String tag, Duration max) throws SQLException {
    long end = System.nanoTime() + max.toNanos();
    while (running(tag) == 0) {
      if (System.nanoTime() - end > 0) {
        fail(this + ": the query tagged " + tag + " never showed up as running");
      }
      LockSupport.parkNanos(5_000_000L); // the server's view has no wake-up to wait on
    }
  }

  /**
   * Polls the server until no query tagged {@code tag} runs; fails after {@code max}. Returns at
   * once when none runs.
   */
  void awaitNoneRunning(String tag, Duration max) throws SQLException {
    long end = System.nanoTime() + max.toNanos();
    int n;
    while ((n = running(tag)) != 0) {
      if (System.nanoTime() - end > 0) {
        fail(this + ": " + n + " queries tagged " + tag + " still run after " + max);
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }
}
