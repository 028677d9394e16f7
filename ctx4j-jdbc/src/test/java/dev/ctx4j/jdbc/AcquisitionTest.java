package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.DeadlineExceededException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection acquisition from a HikariCP pool of one (over H2) that is exhausted: the caller stops
 * waiting when its context ends, without interrupting anything, and the connection that arrives
 * later goes back to the pool.
 */
class AcquisitionTest {
  /** Far longer than any test here: a test that waited this long did not give up. */
  private static final long POOL_TIMEOUT_MS = 60_000;

  private HikariDataSource pool;
  private DataSource ds;

  @BeforeEach
  void openPool() {
    HikariConfig config = new HikariConfig();
    config.setDataSource(Db.H2.rawDataSource());
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(POOL_TIMEOUT_MS);
    config.setPoolName("ctx4j-acquire");
    pool = new HikariDataSource(config);
    ds = ContextDataSource.wrap(pool);
  }

  @AfterEach
  void closePool() {
    pool.close();
    assertSame(Context.background(), Context.current());
  }

  @Test
  void getConnection_poolExhaustedThenCancelled_givesUpAndLateConnectionReturnsToPool()
      throws Exception {
    IllegalStateException why = new IllegalStateException("request abandoned");
    long start;
    try (Connection held = pool.getConnection();
        CancellableContext ctx = Context.background().withCancel()) {
      Thread.ofVirtual()
          .start(
              () -> {
                awaitWaiters(1);
                ctx.cancel(why);
              });
      start = System.nanoTime();
      ContextCancelledException e =
          assertThrows(ContextCancelledException.class, () -> ctx.call(ds::getConnection));
      assertSame(why, e.getCause());
      assertTrue(System.nanoTime() - start < POOL_TIMEOUT_MS * 1_000_000, "waited for the pool");
      assertEquals(1, pool.getHikariPoolMXBean().getThreadsAwaitingConnection());
    } // `held` goes back: the abandoned acquisition gets it and must return it at once
    awaitIdle(1);
    try (Connection again = ds.getConnection()) {
      assertTrue(again.isValid(1));
    }
  }

  @Test
  void getConnection_deadlinePassesWhileWaiting_throwsDeadlineExceeded() throws Exception {
    try (Connection held = pool.getConnection();
        CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
      assertThrows(DeadlineExceededException.class, () -> ctx.call(ds::getConnection));
    }
    awaitIdle(1);
  }

  @Test
  void getConnection_callerInterruptedWhileWaiting_throwsSqlExceptionAndKeepsTheInterrupt()
      throws Exception {
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
    try (Connection held = pool.getConnection();
        CancellableContext ctx = Context.background().withCancel()) {
      Thread caller =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      ctx.call(ds::getConnection).close();
                      thrown.complete(null);
                    } catch (Throwable t) {
                      thrown.complete(t);
                    }
                    stillInterrupted.complete(Thread.currentThread().isInterrupted());
                  });
      awaitWaiters(1);
      caller.interrupt();
      caller.join();
    }
    SQLException e = assertInstanceOf(SQLException.class, thrown.get());
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertTrue(stillInterrupted.get());
    awaitIdle(1);
  }

  @Test
  void getConnection_dataSourceFails_rethrowsItsOwnException() throws Exception {
    SQLException refused = new SQLException("refused", "08001");
    DataSource failing =
        ContextDataSource.wrap(
            (DataSource)
                java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {DataSource.class},
                    (self, method, args) -> {
                      throw refused;
                    }));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMinutes(1))) {
      assertSame(refused, assertThrows(SQLException.class, () -> ctx.call(failing::getConnection)));
    }
  }

  /** Polls the pool (it has no wake-up to wait on) until {@code n} threads wait for it. */
  private void awaitWaiters(int n) {
    while (pool.getHikariPoolMXBean().getThreadsAwaitingConnection() < n) {
      LockSupport.parkNanos(1_000_000L);
    }
  }

  private void awaitIdle(int n) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (pool.getHikariPoolMXBean().getIdleConnections() < n) {
      assertTrue(System.nanoTime() - end < 0, "the abandoned connection never went back");
      LockSupport.parkNanos(1_000_000L);
    }
  }
}
