package dev.ctx4j.jdbc;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Set;

/**
 * Reads a driver's failure after ctx4j cancelled a statement: did the server abort the statement
 * (so it had no effect), or did the execution fail in a way that leaves its effect unknown?
 */
final class Outcomes {
  /**
   * SQLSTATEs with which servers report a statement they aborted on a cancel or a timeout: 57014
   * (query_canceled: PostgreSQL, H2), 70100 (MariaDB and MySQL: query interrupted, also for {@code
   * max_statement_time}), HY008 (operation cancelled).
   */
  private static final Set<String> ABORTED_STATES = Set.of("57014", "70100", "HY008");

  /** MariaDB and MySQL error codes for an interrupted statement and an exceeded statement time. */
  private static final Set<Integer> ABORTED_CODES = Set.of(1317, 1969, 3024);

  private static final int MAX_DEPTH = 8;

  private Outcomes() {}

  /**
   * True if {@code failure} (or an exception it chains, through causes and {@link
   * SQLException#getNextException()}) says the server aborted the statement: the statement had no
   * effect. If any of them is a failure of the connection itself (SQLSTATE class 08), false: the
   * statement may have been applied before the connection broke.
   */
  static boolean notApplied(Throwable failure) {
    boolean aborted = false;
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++) {
      if (t instanceof SQLException sql) {
        SQLException next = sql.getNextException();
        if (brokenConnection(sql) || (next != null && brokenConnection(next))) {
          return false; // whatever else it says, the server's answer may not have arrived
        }
        aborted |= aborted(sql) || (next != null && aborted(next));
      }
      t = t.getCause();
    }
    return aborted;
  }

  private static boolean brokenConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  private static boolean aborted(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTimeoutException
        || (state != null && ABORTED_STATES.contains(state))
        || ABORTED_CODES.contains(e.getErrorCode());
  }
}
