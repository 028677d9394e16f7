package shop.notify;

import java.util.ArrayList;
import java.util.List;
import shop.orders.Order;

/** Queues a text message; sent by a separate process. */
public final class SmsNotifier implements Notifier {
  private final List<String> outbox = new ArrayList<>();

  @Override
  public void orderShipped(Order order) {
    synchronized (outbox) {
      outbox.add(order.customer() + ": your order " + order.id() + " is on its way");
    }
  }
}
