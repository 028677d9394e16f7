package dev.ctx4j.observe;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;

/**
 * The {@link Tracing.Sink} that feeds {@link ContextTree}. Found by {@link java.util.ServiceLoader}
 * when tracing is turned on; every instance forwards to the same registry. Not meant to be called
 * directly.
 */
public final class ObserveSink implements Tracing.Sink {
  /** Used by {@link java.util.ServiceLoader}. */
  public ObserveSink() {}

  @Override
  public Object created(CancellableContext ctx, Context parent, boolean linked) {
    return Registry.INSTANCE.created(ctx, parent, linked);
  }

  @Override
  public void cancelled(Tracing.Chain chain) {
    Registry.INSTANCE.cancelled(chain);
  }
}
