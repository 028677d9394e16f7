package shop.notify;

import shop.orders.Order;

/** Tells the customer about their order. */
public interface Notifier {
  void orderShipped(Order order) throws Exception;
}
