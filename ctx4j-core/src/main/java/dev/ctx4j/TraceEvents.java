package dev.ctx4j;

import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR events core emits while tracing is on, one field per fact (no packed text): a {@code
 * ctx4j.Cancel} per chain when its walk ends, a {@code ctx4j.Hop} per hop (written as it happens,
 * so hops reported after the walk are recorded too), a {@code ctx4j.RequestSent} per request that
 * carried a context to another service, and {@code ctx4j.LongAwait}. Events of one chain share
 * {@code process} and {@code chain}. Each is built only if a recording enabled it, so without a
 * recording they cost one check.
 */
final class TraceEvents {
  private TraceEvents() {}

  @Name("ctx4j.Cancel")
  @Category("ctx4j")
  @Label("Context Cancel")
  @Description("A cancel or deadline expiry; its hops are ctx4j.Hop events with the same chain")
  @StackTrace(false)
  static final class CancelEvent extends Event {
    @Label("Process")
    String process;

    @Label("Chain")
    long chain;

    @Label("Origin")
    String origin;

    @Label("Thread")
    String thread;

    @Label("Code Site")
    String site;

    @Label("Error")
    String err;

    @Label("Cause")
    @Description("The cause given to cancel or to the deadline; empty when none was given")
    String cause;

    @Label("Service")
    String service;

    @Label("Remote Parent")
    @Description("The context in another service the origin's request came from, or empty")
    String remoteParent;

    @Label("Request")
    String request;

    @Label("Descendants Reached")
    int descendants;

    @Label("Propagation Time")
    @Timespan(Timespan.NANOSECONDS)
    long propagation;

    @Label("Wall Clock Start (epoch µs)")
    long startedAtMicros;
  }

  @Name("ctx4j.Hop")
  @Category("ctx4j")
  @Label("Context Cancel Hop")
  @Description("One hop of a propagation chain: a context reached, a thread woken, work stopped")
  @StackTrace(false)
  static final class HopEvent extends Event {
    @Label("Process")
    String process;

    @Label("Chain")
    long chain;

    @Label("Index")
    int index;

    @Label("Parent Hop")
    int parent;

    @Label("Kind")
    String kind;

    @Label("Segment")
    String segment;

    @Label("Context Ref")
    String ref;

    @Label("Lane")
    String lane;

    @Label("Hop Thread")
    String hopThread;

    @Label("Offset")
    @Timespan(Timespan.NANOSECONDS)
    long offset;

    @Label("Remote Parent")
    String remoteParent;

    @Label("Detail")
    String detail;
  }

  @Name("ctx4j.RequestSent")
  @Category("ctx4j")
  @Label("Context Sent")
  @Description("A request carried a context to another service")
  @StackTrace(false)
  static final class SentEvent extends Event {
    @Label("Context Ref")
    String ref;

    @Label("Service")
    String service;

    @Label("Remote Parent")
    String remoteParent;

    @Label("Request")
    String request;

    @Label("Serving")
    String serving;

    @Label("Sender Thread")
    String sender;

    @Label("Wall Clock (epoch µs)")
    long atMicros;

    @Label("Via")
    @Description("What the request carried for the receiver instead of the ref (a traceparent)")
    String via;
  }

  @Name("ctx4j.LongAwait")
  @Category("ctx4j")
  @Label("Long Context Await")
  @Description("A thread parked on a context longer than the long-await threshold")
  static final class LongAwaitEvent extends Event {
    @Label("Context")
    String context;

    @Label("Parked")
    @Timespan(Timespan.NANOSECONDS)
    long parked;

    @Label("Ended By Done")
    boolean done;
  }

  static void cancelled(TraceSink.Start s, int descendants, long walkNanos) {
    CancelEvent e = new CancelEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.process = Trace.processTag();
    e.chain = s.id();
    e.origin = s.origin().toString();
    e.thread = s.thread();
    e.site = s.site() == null ? "" : s.site().toString();
    e.err = s.err().getClass().getSimpleName();
    e.cause = s.cause() == s.err() ? "" : describe(s.cause());
    e.service = s.service();
    e.remoteParent = s.remoteParent() == null ? "" : s.remoteParent();
    e.request = s.request();
    e.descendants = descendants;
    e.propagation = walkNanos;
    e.startedAtMicros = micros(s.startedAt());
    e.commit();
  }

  static void hop(long chain, TraceSink.Hop h) {
    HopEvent e = new HopEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.process = Trace.processTag();
    e.chain = chain;
    e.index = h.index();
    e.parent = h.parent();
    e.kind = h.kind().name();
    String seg = Trace.segmentOf(h.context());
    e.segment = seg == null ? "" : seg;
    e.ref = h.ref();
    e.lane = h.lane();
    e.hopThread = h.thread();
    e.offset = h.offsetNanos();
    e.remoteParent = h.remoteParent() == null ? "" : h.remoteParent();
    e.detail = h.detail();
    e.commit();
  }

  static void sent(TraceSink.Sent s) {
    SentEvent e = new SentEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.ref = s.ref();
    e.service = s.service();
    e.remoteParent = s.remoteParent() == null ? "" : s.remoteParent();
    e.request = s.request();
    e.serving = s.serving();
    e.sender = s.thread();
    e.atMicros = micros(s.at());
    e.via = s.via() == null ? "" : s.via();
    e.commit();
  }

  static void longAwait(Node ctx, long parkedNanos, boolean done) {
    LongAwaitEvent e = new LongAwaitEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.context = ctx.toString();
    e.parked = parkedNanos;
    e.done = done;
    e.commit();
  }

  static long micros(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
  }
}
