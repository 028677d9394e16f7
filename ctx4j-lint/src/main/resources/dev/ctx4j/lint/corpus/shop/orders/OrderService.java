package shop.orders;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the web layer calls: lookups with their own budgets under the request's context. */
public final class OrderService {
  private static final Duration LOOKUP = Duration.ofMillis(300);
  private final OrderRepository repo;

  public OrderService(OrderRepository repo) {
    this.repo = repo;
  }

  /** A quick lookup: the derived context is made inline and never cancelled. */
  public Optional<Order> quote(Context request, String id) throws Exception {
    return repo.find(request.withTimeout(LOOKUP), id); // expect: lost-cancel
  }

  /** The same lookup, scoped properly. */
  public Optional<Order> details(Context request, String id) throws Exception {
    try (CancellableContext ctx = request.withTimeout(LOOKUP)) {
      return repo.find(ctx, id);
    }
  }

  public List<Order> openOrders(Context request, String customer) throws Exception {
    var ctx = request.withTimeout(Duration.ofSeconds(1));
    try {
      return repo.openFor(ctx, customer);
    } finally {
      ctx.cancel();
    }
  }

  /** Leaks on the early return. */
  public boolean pay(Context request, String id) throws Exception {
    CancellableContext ctx = request.withTimeout(Duration.ofSeconds(2)); // expect: lost-cancel
    Optional<Order> order = repo.find(ctx, id);
    if (order.isEmpty() || order.get().status().equals("PAID")) {
      return false;
    }
    repo.markPaid(ctx, id);
    ctx.cancel();
    return true;
  }

  /** Ownership handed to a helper that takes a CancellableContext and cancels it. */
  public Optional<Order> audited(Context request, String id) throws Exception {
    CancellableContext scoped = request.withTimeout(LOOKUP);
    return lookupThenCancel(scoped, id);
  }

  private Optional<Order> lookupThenCancel(CancellableContext ctx, String id) throws Exception {
    try {
      return repo.find(ctx, id);
    } finally {
      ctx.cancel();
    }
  }

  /** Inline, but into a method that takes ownership. */
  public Optional<Order> auditedInline(Context request, String id) throws Exception {
    return lookupThenCancel(request.withTimeout(LOOKUP), id);
  }
}
