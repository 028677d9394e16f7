package shop.notify;

import dev.ctx4j.Context;
import shop.orders.Order;

/** Marks orders shipped and tells the customer. */
public final class ShippingService {
  private final Notifier notifier;
  private final AuditLog audit;
  private final Metrics metrics;

  public ShippingService(Notifier notifier, AuditLog audit, Metrics metrics) {
    this.notifier = notifier;
    this.audit = audit;
    this.metrics = metrics;
  }

  public void ship(Context ctx, Order order) throws Exception {
    ctx.throwIfDone();
    audit.record("shipped " + order.id());
    notifier.orderShipped(order);
    metrics.count("shipped");
  }
}
