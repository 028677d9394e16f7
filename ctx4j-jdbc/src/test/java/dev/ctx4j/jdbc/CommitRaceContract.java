package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.junit.internal.FaultReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancel (or a deadline) races the statements of a transaction and of autocommit writes, round
 * after round, on a real database through HikariCP; afterwards a checksum of what the server holds
 * is compared with what each caller was told. Every transaction must be applied whole or not at
 * all, and every outcome must tell the truth: a write reported as done is there, a write reported
 * as cancelled (without {@link OutcomeUnknownException}) is not.
 *
 * <p>Rounds: {@code -Dctx4j.faults.rounds} (default 300; {@code ./ctx4j faults} runs thousands).
 * The seed is printed, and {@code -Dctx4j.faults.seed} replays a run.
 */
abstract class CommitRaceContract {
  private static final int ROWS_PER_TRANSACTION = 3;

  abstract Db db();

  /** How the round's work is shaped. */
  enum Shape {
    /** autocommit off; inserts, a total, then {@code COMMIT} as a statement under the context. */
    COMMIT_STATEMENT,
    /** autocommit off; inserts and a total under the context, {@code Connection.commit()} after. */
    CONNECTION_COMMIT,
    /** autocommit on; one INSERT of the total under the context. */
    AUTOCOMMIT_INSERT
  }

  /** What ends the round's context. */
  enum Trigger {
    CANCEL,
    DEADLINE,
    /** a cancel while the work runs under {@code callInterruptibly} on a virtual thread. */
    INTERRUPTIBLE_CANCEL
  }

  /** What the caller was told. */
  enum Told {
    APPLIED,
    NOT_APPLIED,
    UNKNOWN
  }

  record Round(int id, Shape shape, Trigger trigger, Told told, String note) {}

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES) // ./ctx4j faults runs tens of thousands of rounds
  void cancelRacesWrites_everyTransactionWholeOrAbsent_andNoOutcomeLies() throws Exception {
    db().requireReachable();
    int rounds = Integer.getInteger("ctx4j.faults.rounds", 300);
    long seed = Long.getLong("ctx4j.faults.seed", System.nanoTime());
    Random random = new Random(seed);
    String rowsTable = "ctx4j_race_rows_" + Long.toHexString(seed & 0xffffffL);
    String totalsTable = "ctx4j_race_totals_" + Long.toHexString(seed & 0xffffffL);
    HikariConfig config = new HikariConfig();
    config.setDataSource(db().rawDataSource());
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(10_000);
    config.setPoolName("ctx4j-commit-race-" + db());
    List<Round> log = new ArrayList<>();
    try (HikariDataSource pool = new HikariDataSource(config)) {
      createTables(pool, rowsTable, totalsTable);
      try {
        DataSource ds = ContextDataSource.wrap(pool);
        long typical = typicalTransactionNanos(ds, rowsTable, totalsTable);
        Shape[] shapes = chosen(Shape.class, "ctx4j.faults.shapes");
        Trigger[] triggers = chosen(Trigger.class, "ctx4j.faults.triggers");
        for (int id = 1; id <= rounds; id++) {
          Shape shape = shapes[random.nextInt(shapes.length)];
          Trigger trigger = triggers[random.nextInt(triggers.length)];
          long delay = (long) (random.nextDouble() * 1.5 * typical);
          log.add(round(ds, id, shape, trigger, delay, rowsTable, totalsTable));
        }
        Map<Integer, int[]> held = held(pool, rowsTable, totalsTable);
        List<String> lies = new ArrayList<>();
        Map<Told, Integer> told = new EnumMap<>(Told.class);
        for (Round r : log) {
          told.merge(r.told(), 1, Integer::sum);
          int[] h = held.getOrDefault(r.id(), new int[] {0, 0});
          int rows = h[0];
          boolean total = h[1] > 0;
          int expectedRows = r.shape() == Shape.AUTOCOMMIT_INSERT ? 0 : ROWS_PER_TRANSACTION;
          boolean whole = total && rows == expectedRows;
          boolean absent = !total && rows == 0;
          String where = r + " holds rows=" + rows + " total=" + total;
          if (!whole && !absent) {
            lies.add("applied in part: " + where);
          } else if (r.told() == Told.APPLIED && !whole) {
            lies.add("told applied, not there: " + where);
          } else if (r.told() == Told.NOT_APPLIED && !absent) {
            lies.add("told cancelled, but applied: " + where);
          }
        }
        awaitFullIdle(pool);
        FaultReport.row(
            db()
                + ": a cancel, deadline or interruptible cancel races the statements and COMMIT of"
                + " transactions and autocommit INSERTs (checksum table)",
            rounds + " rounds",
            "told " + told + "; pool back to 2 idle",
            lies.isEmpty() ? "nothing: 0 outcomes lie" : lies.size() + " outcomes lie");
        System.out.printf(
            "%s commit race: %d rounds (seed %d), typical transaction %d us, told %s, %d lies%n",
            db(), rounds, seed, typical / 1000, told, lies.size());
        if (!lies.isEmpty()) {
          fail(lies.size() + " outcomes lie (seed " + seed + "):\n" + String.join("\n", lies));
        }
        assertTrue(
            told.getOrDefault(Told.APPLIED, 0) > 0 && told.getOrDefault(Told.NOT_APPLIED, 0) > 0,
            "the race was not run both ways (seed " + seed + "): " + told);
      } finally {
        dropTables(pool, rowsTable, totalsTable);
      }
    }
  }

  /** The constants named (comma-separated) by a system property, or all of them. */
  private static <E extends Enum<E>> E[] chosen(Class<E> type, String property) {
    String names = System.getProperty(property, "");
    E[] all = type.getEnumConstants();
    if (names.isBlank()) {
      return all;
    }
    return java.util.Arrays.stream(names.split(","))
        .map(n -> Enum.valueOf(type, n.trim()))
        .toArray(n -> java.util.Arrays.copyOf(all, n));
  }

  private Round round(
      DataSource ds,
      int id,
      Shape shape,
      Trigger trigger,
      long delayNanos,
      String rowsTable,
      String totalsTable)
      throws Exception {
    CancellableContext ctx =
        trigger == Trigger.DEADLINE
            ? Context.background().withTimeout(Duration.ofNanos(Math.max(1, delayNanos)))
            : Context.background().withCancel();
    Thread canceller =
        trigger == Trigger.DEADLINE
            ? null
            : Thread.ofVirtual().start(() -> cancelAfter(ctx, delayNanos));
    String note = "";
    Told told;
    try (Connection c = ds.getConnection()) {
      boolean transaction = shape != Shape.AUTOCOMMIT_INSERT;
      c.setAutoCommit(!transaction);
      try {
        Work work = () -> write(c, id, shape, rowsTable, totalsTable);
        if (trigger == Trigger.INTERRUPTIBLE_CANCEL) {
          ctx.callInterruptibly(
              () -> {
                work.run();
                return null;
              });
        } else {
          ctx.call(
              () -> {
                work.run();
                return null;
              });
        }
        if (shape == Shape.CONNECTION_COMMIT) {
          c.commit();
        }
        told = Told.APPLIED;
      } catch (ContextException e) {
        told = OutcomeUnknownException.isAttachedTo(e) ? Told.UNKNOWN : Told.NOT_APPLIED;
        note = "at step " + STEP.get()[0] + ": " + summary(e);
        if (transaction) {
          note += rollback(c);
        }
      } catch (SQLException e) {
        told = Told.UNKNOWN; // the driver's own failure (say, the connection broke): no promise
        note = "driver: " + e;
        if (transaction) {
          note += rollback(c);
        }
      } finally {
        ctx.cancel();
        if (canceller != null) {
          canceller.join();
        }
      }
    } catch (SQLException e) {
      told = Told.UNKNOWN;
      note += " close: " + e;
    }
    return new Round(id, shape, trigger, told, note);
  }

  @FunctionalInterface
  private interface Work {
    void run() throws SQLException;
  }

  /** The step of the round's work the current thread is at, for the report of a failed round. */
  private static final ThreadLocal<int[]> STEP = ThreadLocal.withInitial(() -> new int[1]);

  private static void write(Connection c, int id, Shape shape, String rowsTable, String totalsTable)
      throws SQLException {
    STEP.get()[0] = 0;
    if (shape != Shape.AUTOCOMMIT_INSERT) {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO " + rowsTable + " (round, i) VALUES (?, ?)")) {
        for (int i = 0; i < ROWS_PER_TRANSACTION; i++) {
          STEP.get()[0] = i + 1;
          ps.setInt(1, id);
          ps.setInt(2, i);
          ps.executeUpdate();
        }
      }
    }
    STEP.get()[0] = ROWS_PER_TRANSACTION + 1;
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + totalsTable + " (round, n) VALUES (?, ?)")) {
      ps.setInt(1, id);
      ps.setInt(2, shape == Shape.AUTOCOMMIT_INSERT ? 1 : ROWS_PER_TRANSACTION);
      ps.executeUpdate();
    }
    if (shape == Shape.COMMIT_STATEMENT) {
      STEP.get()[0] = ROWS_PER_TRANSACTION + 2;
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    }
  }

  private static String rollback(Connection c) {
    try {
      c.rollback();
      return "";
    } catch (SQLException e) {
      return " rollback failed: " + e;
    }
  }

  private static String summary(ContextException e) {
    StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
    for (Throwable s : e.getSuppressed()) {
      b.append(" [").append(chain(s)).append(']');
    }
    return b.toString();
  }

  /** Each exception of the chain (causes and next exceptions) with its SQLSTATE. */
  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (int depth = 0; t != null && depth < 6; depth++) {
      if (depth > 0) {
        b.append(" <- ");
      }
      b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
      if (t instanceof SQLException sql) {
        b.append(" (").append(sql.getSQLState()).append(')');
        if (sql.getNextException() != null) {
          b.append(" next: ").append(chain(sql.getNextException()));
        }
      }
      t = t.getCause();
    }
    return b.toString();
  }

  private static void cancelAfter(CancellableContext ctx, long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait(); // sub-millisecond precision: a timed park would round up
    }
    ctx.cancel();
  }

  private static long typicalTransactionNanos(DataSource ds, String rowsTable, String totalsTable)
      throws SQLException {
    int n = 20;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        write(c, -1 - i, Shape.CONNECTION_COMMIT, rowsTable, totalsTable);
        c.rollback();
      }
    }
    return (System.nanoTime() - start) / n;
  }

  /** Round id to {rows held, totals held}. */
  private static Map<Integer, int[]> held(DataSource ds, String rowsTable, String totalsTable)
      throws SQLException {
    Map<Integer, int[]> held = new HashMap<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT round, COUNT(*) FROM " + rowsTable + " GROUP BY round")) {
        while (rs.next()) {
          held.computeIfAbsent(rs.getInt(1), k -> new int[2])[0] = rs.getInt(2);
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT round, COUNT(*) FROM " + totalsTable + " GROUP BY round")) {
        while (rs.next()) {
          held.computeIfAbsent(rs.getInt(1), k -> new int[2])[1] = rs.getInt(2);
        }
      }
    }
    return held;
  }

  private static void awaitFullIdle(HikariDataSource pool) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (pool.getHikariPoolMXBean().getIdleConnections() != 2
        || pool.getHikariPoolMXBean().getActiveConnections() != 0) {
      if (System.nanoTime() - end > 0) {
        fail(
            "the pool did not return to 2 idle connections: idle "
                + pool.getHikariPoolMXBean().getIdleConnections()
                + ", active "
                + pool.getHikariPoolMXBean().getActiveConnections());
      }
      LockSupport.parkNanos(10_000_000L); // the pool replaces evicted connections on its own
    }
    assertEquals(0, pool.getHikariPoolMXBean().getThreadsAwaitingConnection());
  }

  private static void createTables(DataSource ds, String rowsTable, String totalsTable)
      throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + rowsTable + " (round INT NOT NULL, i INT NOT NULL)");
      s.execute("CREATE TABLE " + totalsTable + " (round INT PRIMARY KEY, n INT NOT NULL)");
    }
  }

  private static void dropTables(DataSource ds, String rowsTable, String totalsTable)
      throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + rowsTable);
      s.execute("DROP TABLE IF EXISTS " + totalsTable);
    }
  }
}
