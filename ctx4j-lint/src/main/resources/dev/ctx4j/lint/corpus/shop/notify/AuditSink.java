package shop.notify;

import dev.ctx4j.Context;

/** Writes audit events somewhere durable. */
public final class AuditSink {
  public void write(Context ctx, String event) {
    ctx.throwIfDone();
    System.out.println("audit " + event);
  }
}
