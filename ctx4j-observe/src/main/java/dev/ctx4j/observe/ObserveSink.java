package dev.ctx4j.observe;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.internal.TraceSink;

/**
 * The {@link TraceSink} that feeds {@link ContextTree}. Found by {@link java.util.ServiceLoader}
 * when tracing is turned on; every instance forwards to the same registry. Not meant to be called
 * directly.
 */
@SuppressWarnings("exports") // a provider only: its methods are core's internal seam, not API
public final class ObserveSink implements TraceSink {
  /** Used by {@link java.util.ServiceLoader}. */
  public ObserveSink() {}

  @Override
  public Object created(CancellableContext ctx, Context parent, boolean linked) {
    Object attachment = Registry.INSTANCE.created(ctx, parent, linked);
    if (!linked) {
      BrokenChains.created(ctx, parent); // a linked child has a cancellable parent: never a root
    }
    return attachment;
  }

  @Override
  public void blockingCall(Context given, String kind, Object detail) {
    BrokenChains.blockingCall(given, kind, detail);
  }

  @Override
  public Object began(Start start) {
    return Registry.INSTANCE.began(start);
  }

  @Override
  public void hop(Object chain, Hop hop) {
    Registry.INSTANCE.hop(chain, hop);
  }

  @Override
  public void ended(Object chain, int hops, long walkNanos) {
    Registry.INSTANCE.ended(chain, hops, walkNanos);
  }

  @Override
  public void sent(Sent sent) {
    Registry.INSTANCE.sent(sent);
  }
}
