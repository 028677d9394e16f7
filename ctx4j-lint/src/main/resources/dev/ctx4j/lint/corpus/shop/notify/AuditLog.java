package shop.notify;

import dev.ctx4j.Context;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Appends audit events; its only caller has a context it does not pass. */
public final class AuditLog {
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
  private final AuditSink sink;

  public AuditLog(AuditSink sink) {
    this.sink = sink;
  }

  public void record(String event) {
    events.add(event);
    sink.write(Context.todo(), event); // expect: broken-chain
  }
}
