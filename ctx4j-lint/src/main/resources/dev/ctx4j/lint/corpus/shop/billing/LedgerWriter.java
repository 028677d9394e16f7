package shop.billing;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.jdbc.ContextDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/** Writes ledger lines through a ContextDataSource: statements follow the context. */
public final class LedgerWriter {
  private final DataSource db;

  public LedgerWriter(DataSource pool) {
    this.db = ContextDataSource.wrap(pool);
  }

  public void write(Context request, List<String> lines) throws Exception {
    try (CancellableContext ctx = request.withTimeout(Duration.ofSeconds(5))) {
      ctx.call(
          () -> {
            try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO ledger(line) VALUES (?)")) {
              for (String line : lines) {
                ps.setString(1, line);
                ps.addBatch();
              }
              return ps.executeBatch();
            }
          });
    }
  }

  public boolean flushWithin(Context ctx, java.util.concurrent.Future<?> pending) throws Exception {
    pending.get(2, TimeUnit.SECONDS);
    return ctx.isDone();
  }
}
