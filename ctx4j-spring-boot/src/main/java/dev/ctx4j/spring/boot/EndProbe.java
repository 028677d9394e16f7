package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.http.ClientDisconnectedException;
import dev.ctx4j.http.ServerStoppedException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches one request context for an early end and reports it to the {@link RequestEnds} listeners
 * once, with the time from the end (as its {@code afterDone} callback saw it) to the handler
 * returning. The callback and the request thread race: whichever comes second reports.
 */
final class EndProbe implements Runnable {
  private static final System.Logger LOG = System.getLogger(EndProbe.class.getName());
  private static final int ENDED = 1;
  private static final int RETURNED = 2;

  private final Context ctx;
  private final List<RequestEnds> listeners;
  private final Object[] captured;
  private final AtomicInteger state = new AtomicInteger();
  // Each written once before the state bit that publishes it.
  private long endedAt;
  private String kind;
  private long returnedAt;
  private boolean async;

  /** Captures the listeners' request-thread state; call on the request thread. */
  EndProbe(Context ctx, List<RequestEnds> listeners) {
    this.ctx = ctx;
    this.listeners = listeners;
    this.captured = new Object[listeners.size()];
    for (int i = 0; i < captured.length; i++) {
      captured[i] = listeners.get(i).capture();
    }
  }

  /** The context's afterDone callback. */
  @Override
  public void run() {
    String k = kind(ctx);
    if (k == null) {
      return; // the response completed: not a cancel
    }
    endedAt = System.nanoTime();
    kind = k;
    if ((state.getAndUpdate(s -> s | ENDED) & RETURNED) != 0) {
      report();
    }
  }

  /** The handler returned; {@code async}: the request continues asynchronously. */
  void returned(boolean async) {
    this.returnedAt = System.nanoTime();
    this.async = async;
    if ((state.getAndUpdate(s -> s | RETURNED) & ENDED) != 0) {
      report();
    }
  }

  private void report() {
    long stop = async ? -1 : Math.max(0, returnedAt - endedAt);
    for (int i = 0; i < captured.length; i++) {
      try {
        listeners.get(i).ended(captured[i], kind, ctx, stop);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a request-end listener failed", e);
      }
    }
  }

  /** Why {@code ctx} ended, as a tag; null if it ended because the response completed. */
  static String kind(Context ctx) {
    if (ctx.err() instanceof DeadlineExceededException) {
      return "deadline";
    }
    Throwable cause = ctx.cause();
    if (cause == null || cause instanceof ContextCancelledException) {
      return null; // a plain cancel: the filter's own, when the request completed
    }
    for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
      if (cause instanceof ClientDisconnectedException) {
        return "client-disconnect";
      }
      if (cause instanceof ServerStoppedException) {
        return "server-stop";
      }
      if (cause instanceof DeadlineExceededException) {
        return "deadline";
      }
    }
    return "application";
  }
}
