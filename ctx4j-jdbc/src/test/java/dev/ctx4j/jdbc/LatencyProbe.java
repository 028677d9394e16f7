package dev.ctx4j.jdbc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Measures, per database, the time from "the context ends" to "the work stopped": the thread that
 * runs a long query through {@link ContextDataSource} gets the context's exception back, which it
 * can only do once the driver has the database's answer to the cancel. Two ways to end: {@code
 * cancel()} while the query runs (the clock starts just before {@code cancel()}), and a deadline
 * that passes (the clock starts at the deadline). Not a test: timings are reported, not asserted.
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-jdbc -am test-compile}, then {@code java -cp <test
 * classpath> dev.ctx4j.jdbc.LatencyProbe [rounds]} (docs/latency-jdbc.md has the exact lines).
 */
public final class LatencyProbe {
  private LatencyProbe() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    System.out.printf(
        "| database | how the context ends | rounds | p50 ms | p99 ms | max ms"
            + " | of which until the driver's cancel() starts: p50 / p99 ms |%n"
            + "|---|---|---|---|---|---|---|%n");
    for (Db db : Db.values()) {
      try (Connection c = db.rawDataSource().getConnection()) {
        c.isValid(3);
      } catch (SQLException e) {
        System.out.printf("| %s | unreachable: %s | | | | | |%n", db, e.getMessage());
        continue;
      }
      DataSource ds = ContextDataSource.wrap(CancelClock.wrap(db.rawDataSource()));
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        warmUp(db, s);
        long[][] cancel = cancelRounds(db, s, rounds);
        print(db, "cancel() while the query runs", rounds, cancel);
        print(db, "deadline passes (100 ms)", rounds, deadlineRounds(db, s, rounds));
      }
    }
  }

  private static void warmUp(Db db, Statement s) throws Exception {
    cancelRounds(db, s, 10);
    deadlineRounds(db, s, 5);
  }

  /** Per round: [0] until the work stopped, [1] until the driver's cancel() was entered. */
  private static long[][] cancelRounds(Db db, Statement s, int rounds) throws Exception {
    long[][] nanos = new long[2][rounds];
    for (int i = 0; i < rounds; i++) {
      String tag = "ctx4j_latency_" + System.nanoTime();
      AtomicLong cancelledAt = new AtomicLong();
      CancellableContext ctx = Context.background().withCancel();
      Thread canceller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      db.awaitRunning(tag, Duration.ofSeconds(20));
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    } finally {
                      cancelledAt.set(System.nanoTime());
                      ctx.cancel();
                    }
                  });
      CancelClock.reset();
      long stopped = runUntilStopped(ctx, s, db.longQuery(tag));
      canceller.join();
      nanos[0][i] = stopped - cancelledAt.get();
      nanos[1][i] = CancelClock.firstCancel() - cancelledAt.get();
    }
    return nanos;
  }

  private static long[][] deadlineRounds(Db db, Statement s, int rounds) throws Exception {
    long[][] nanos = new long[2][rounds];
    for (int i = 0; i < rounds; i++) {
      String tag = "ctx4j_latency_" + System.nanoTime();
      CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(100));
      long deadline = System.nanoTime() + ctx.deadline().orElseThrow().remaining().toNanos();
      CancelClock.reset();
      long stopped = runUntilStopped(ctx, s, db.longQuery(tag));
      nanos[0][i] = stopped - deadline;
      nanos[1][i] = CancelClock.firstCancel() - deadline;
    }
    return nanos;
  }

  /** Runs {@code sql} under {@code ctx}; returns when the context's exception came back. */
  private static long runUntilStopped(CancellableContext ctx, Statement s, String sql)
      throws Exception {
    try {
      ctx.call(() -> s.executeQuery(sql));
      throw new IllegalStateException("the long query completed: " + sql);
    } catch (ContextException expected) {
      return System.nanoTime();
    } finally {
      ctx.cancel();
    }
  }

  private static void print(Db db, String how, int rounds, long[][] nanos) {
    long[] sorted = nanos[0].clone();
    Arrays.sort(sorted);
    long[] dispatch = nanos[1].clone();
    Arrays.sort(dispatch);
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %d | %.1f | %.1f | %.1f | %.2f / %.2f |%n",
        db,
        how,
        rounds,
        percentile(sorted, 50) / 1e6,
        percentile(sorted, 99) / 1e6,
        sorted[sorted.length - 1] / 1e6,
        percentile(dispatch, 50) / 1e6,
        percentile(dispatch, 99) / 1e6);
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
