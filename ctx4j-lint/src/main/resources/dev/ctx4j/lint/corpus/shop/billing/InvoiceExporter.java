package shop.billing;

import dev.ctx4j.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;

/** Copies a day's invoices to the ledger; its pool was never wrapped in a ContextDataSource. */
public final class InvoiceExporter {
  private final DataSource dataSource;
  private final ExecutorService pool;
  private final LedgerClient ledger;

  public InvoiceExporter(DataSource dataSource, ExecutorService pool, LedgerClient ledger) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.ledger = ledger;
  }

  public int export(Context ctx, LocalDate day) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM invoices WHERE day = ?")) {
      ps.setObject(1, day);
      try (ResultSet rs = ps.executeQuery()) { // expect: blocking-without-context
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> ledger.push(ids, 0), pool);
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> ledger.push(ids, 1), pool);
    CompletableFuture.allOf(first, second).get(); // expect: blocking-without-context
    return ids.size();
  }

  public void markExported(Context ctx, List<String> ids) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE invoices SET exported = true WHERE id = ?")) {
      for (String id : ids) {
        ps.setString(1, id);
        ps.addBatch();
      }
      ps.executeBatch(); // expect: blocking-without-context
    }
  }

  /** Waiting through the context: ends when ctx does. */
  public void pushAll(Context ctx, List<String> ids) throws Exception {
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> ledger.push(ids, 0), pool);
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> ledger.push(ids, 1), pool);
    ctx.get(CompletableFuture.allOf(a, b));
  }

  /** Runs at start-up, with no context anywhere near. */
  public int warmUp() throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }
}
