package dev.ctx4j.internal;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import java.time.Instant;
import java.util.Objects;

/**
 * What core reports while tracing is on: created, began/hop/ended of each propagation chain, and
 * the requests that carried a context to another service. One implementation is installed at a time
 * ({@link Trace#install}, or found with {@link java.util.ServiceLoader} when tracing is turned on).
 * Calls must be quick and must not throw; they are made on the thread where the thing happened,
 * never under a lock of core's.
 */
public interface TraceSink {
  /**
   * A cancellable context was derived, on the thread that derived it (possibly born done). {@link
   * Trace#callerSite()} called from here returns the code that derived it.
   *
   * @param linked true if {@code ctx} is registered with the nearest cancellable ancestor and that
   *     ancestor was traced too: {@link Trace#linkedChildrenOf} of the ancestor lists it while it
   *     is live
   * @return what core keeps with {@code ctx} for this sink ({@link Trace#attachment}), or null
   */
  Object created(CancellableContext ctx, Context parent, boolean linked);

  /**
   * A cancel or an expiry won and is about to walk its subtree; returns what core passes back to
   * {@link #hop} and {@link #ended} for this chain (null is fine).
   */
  Object began(Start start);

  /**
   * One hop of the chain {@code chain} (what {@link #began} returned): reported by the walk in
   * order, then by integrations as work stops, possibly on other threads and after {@link #ended}.
   */
  void hop(Object chain, Hop hop);

  /** The walk of {@code chain} finished: {@code hops} hops so far, after {@code walkNanos}. */
  void ended(Object chain, int hops, long walkNanos);

  /** A request carried {@code ref} (the scope of the calling context) to another service. */
  default void sent(Sent sent) {}

  /**
   * An integration is about to block in a call ({@code kind}: {@code HTTP}, {@code gRPC}; {@code
   * detail}'s {@code toString()} says which) made with {@code given}, a context that can never end,
   * on the calling thread ({@link Trace#userSite()} names the caller). Whether that breaks a chain
   * (a live context current on the thread, whose cancel the call will not see) is the sink's to
   * judge.
   */
  default void blockingCall(Context given, String kind, Object detail) {}

  /**
   * How a chain began.
   *
   * @param id unique within this process
   * @param site the first frame of the user's code that cancelled, or null (an expiry, a disconnect
   *     noticed by a server)
   * @param service the origin's service ({@link Trace#SERVICE}, else {@code -Dctx4j.service}), or
   *     empty
   * @param remoteParent the ref of the context in another service the origin's request came from,
   *     or null
   * @param request what that request was (e.g. {@code GET /checkout}), or empty
   */
  record Start(
      long id,
      Context origin,
      String thread,
      StackTraceElement site,
      Instant startedAt,
      long startNanos,
      ContextException err,
      Throwable cause,
      String service,
      String remoteParent,
      String request) {
    /** Checks the fields that must be there. */
    public Start {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(thread, "thread");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(err, "err");
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * One hop.
   *
   * @param index unique within the chain, in the order hops were reported
   * @param parent the index of the hop that caused this one, or -1: the origin, or a hop an
   *     integration reported, whose parent is the last hop about {@code context}
   * @param context the context the hop is about (for an integration's hop: the scope of the context
   *     the work ran in)
   * @param ref {@link Trace#ref} of {@code context}
   * @param lane where the hop happened: empty for the chain's service, {@code database} for a query
   * @param thread the thread the hop happened on (for {@link HopKind#WOKEN}, the thread woken)
   * @param offsetNanos time since the chain began
   * @param remoteParent for a context a request from another service created, that service's ref
   * @param detail free text (a statement, the failure that cancelled siblings), or empty
   */
  record Hop(
      int index,
      int parent,
      HopKind kind,
      Context context,
      String ref,
      String lane,
      String thread,
      long offsetNanos,
      String remoteParent,
      String detail) {
    /** Checks the fields that must be there. */
    public Hop {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(context, "context");
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(lane, "lane");
      Objects.requireNonNull(thread, "thread");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * A request sent to another service carrying {@code ref}.
   *
   * @param remoteParent the ref the sending context's own request came from, or null
   * @param request e.g. {@code GET /order}
   * @param serving the request the sending service is serving (e.g. {@code GET /checkout}), or
   *     empty
   * @param via what the request carries instead of {@code ref} for the receiver to record (a {@link
   *     Trace#traceparent} value), or null when it carries {@code ref}
   */
  record Sent(
      String ref,
      String service,
      String remoteParent,
      String request,
      String serving,
      String thread,
      Instant at,
      String via) {
    /** Checks the fields that must be there. */
    public Sent {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(serving, "serving");
      Objects.requireNonNull(thread, "thread");
      Objects.requireNonNull(at, "at");
    }
  }
}
