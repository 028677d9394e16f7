package shop.orders;

import dev.ctx4j.Context;
import dev.ctx4j.jdbc.ContextDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Orders in the database; every statement runs under the caller's context. */
public final class OrderRepository {
  private final ContextDataSource db;

  public OrderRepository(DataSource pool) {
    this.db = ContextDataSource.wrap(pool);
  }

  public Optional<Order> find(Context ctx, String id) throws Exception {
    return ctx.call(
        () -> {
          try (Connection c = db.getConnection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, customer, total_cents, status FROM orders WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
          }
        });
  }

  public List<Order> openFor(Context ctx, String customer) throws Exception {
    return ctx.call(
        () -> {
          List<Order> out = new ArrayList<>();
          try (Connection c = db.getConnection();
              PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, customer, total_cents, status FROM orders"
                          + " WHERE customer = ? AND status = 'OPEN'")) {
            ps.setString(1, customer);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
          }
          return out;
        });
  }

  public void markPaid(Context ctx, String id) throws Exception {
    ctx.call(
        () -> {
          try (Connection c = db.getConnection();
              PreparedStatement ps =
                  c.prepareStatement("UPDATE orders SET status = 'PAID' WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate();
          }
        });
  }

  private static Order read(ResultSet rs) throws java.sql.SQLException {
    return new Order(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4));
  }
}
