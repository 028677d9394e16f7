package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blocking-without-context: receivers that are fields, new objects, this, qualified names. */
class BlockingMoreTest {
  @TempDir Path dir;

  private LintHelper lint() {
    return LintHelper.of(dir, "blocking-without-context");
  }

  @Test
  void fieldsNewObjectsThisAndQualifiedNames_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Context;
            import java.util.concurrent.*;
            class A {
              private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
              synchronized void run(Context ctx) throws Exception {
                queue.take(); // BUG: blocking-without-context
                this.queue.put("x"); // BUG: blocking-without-context
                new CountDownLatch(1).await(); // BUG: blocking-without-context
                java.lang.Thread.sleep(1); // BUG: blocking-without-context
                wait(); // BUG: blocking-without-context "Object.wait()"
                this.wait(); // BUG: blocking-without-context
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void lookalikesOnOtherTypes_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Context;
            import java.util.*;
            class A {
              static class Cache { String get() { return ""; } void take() {} }
              void run(Context ctx, Optional<String> o, Cache cache, List<String> list) {
                o.get();
                cache.get();
                cache.take();
                list.get(0);
                ctx.isDone();
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void plainDataSource_reported_wrappedDataSource_not() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Context;
            import dev.ctx4j.jdbc.ContextDataSource;
            import java.sql.*;
            import javax.sql.DataSource;
            class A {
              void run(Context ctx, DataSource raw) throws SQLException {
                DataSource plain = raw;
                try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
                  s.executeQuery("select 1"); // BUG: blocking-without-context
                }
                DataSource wrapped = ContextDataSource.wrap(raw);
                try (Connection c = wrapped.getConnection(); Statement s = c.createStatement()) {
                  s.executeQuery("select 1");
                }
                try (Connection c = DriverManager.getConnection("jdbc:x")) {
                  c.createStatement().executeUpdate("delete from t"); // BUG: blocking-without-context
                }
              }
            }
            """)
        .expectMarked();
  }
}
