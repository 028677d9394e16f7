package shop.web;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import shop.notify.ShippingService;
import shop.orders.Order;
import shop.orders.OrderService;
import shop.payments.PaymentClient;

/** The checkout endpoint; the server binds the request's context as Context.current(). */
public final class CheckoutHandler {
  static final Key<String> TENANT = Key.named("tenant");
  private final OrderService orders;
  private final PaymentClient payments;
  private final ShippingService shipping;
  private final BlockingQueue<String> receipts = new LinkedBlockingQueue<>();

  public CheckoutHandler(OrderService orders, PaymentClient payments, ShippingService shipping) {
    this.orders = orders;
    this.payments = payments;
    this.shipping = shipping;
  }

  public String handle(String tenant, String orderId) throws Exception {
    Context request = Context.current().withValue(TENANT, tenant);
    try (CancellableContext ctx = request.withTimeout(Duration.ofSeconds(3))) {
      Optional<Order> order = orders.details(ctx, orderId);
      if (order.isEmpty()) {
        return "404";
      }
      String charge = payments.charge(ctx, orderId, order.get().totalCents());
      shipping.ship(ctx, order.get());
      receipts.offer(charge, 100, TimeUnit.MILLISECONDS);
      return "200 " + charge;
    }
  }

  /** A key made per call is never found again by the code that reads it. */
  public String traced(String orderId) throws Exception {
    Key<String> trace = Key.named("trace"); // expect: key-per-call
    Context ctx = Context.current().withValue(trace, orderId);
    return orders.details(ctx, orderId).map(Order::status).orElse("404");
  }

  /** Drains receipts while the context lives. */
  public int drain(Context ctx) throws Exception {
    int n = 0;
    while (!ctx.isDone()) {
      String r = receipts.take(); // expect: blocking-without-context
      n += r.length();
    }
    return n;
  }

  /** Waits through the context instead. */
  public int drainInterruptibly(Context ctx) throws Exception {
    int n = 0;
    while (!ctx.isDone()) {
      n += ctx.callInterruptibly(() -> receipts.take()).length();
    }
    return n;
  }

  /** Work that must outlive the request, by intent. */
  public void afterResponse(Context request, String orderId) {
    Context detached = request.withoutCancel();
    Thread.ofVirtual().start(() -> detached.run(() -> System.out.println("sent " + orderId)));
  }
}
