package shop.web;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.time.Duration;

/** A request's budget as a resource: close() ends it, so holding the context is the point. */
public record RequestScope(CancellableContext ctx, String requestId) implements AutoCloseable {
  public static RequestScope open(Context parent, String requestId, Duration budget) {
    return new RequestScope(parent.withTimeout(budget), requestId);
  }

  @Override
  public void close() {
    ctx.cancel();
  }
}
