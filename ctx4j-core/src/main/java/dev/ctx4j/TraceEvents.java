package dev.ctx4j;

import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JFR events core emits while tracing is on. Each is built only if a recording enabled it, so
 * without a recording they cost one check. The {@code hops} field of a cancel event lists the
 * propagation, one line per hop: {@code offsetNanos TAB parentHop TAB segment TAB woken threads
 * (separated by U+001F)}; {@code ctx4j trace} reads it back.
 */
final class TraceEvents {
  /** At most this many hops are written into one cancel event; {@code descendants} counts all. */
  static final int MAX_HOPS = 512;

  static final char THREAD_SEPARATOR = '\u001f';

  private TraceEvents() {}

  @Name("ctx4j.Cancel")
  @Category("ctx4j")
  @Label("Context Cancel")
  @Description("A cancel or deadline expiry and the propagation it caused")
  @StackTrace(false)
  static final class CancelEvent extends Event {
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

    @Label("Descendants Reached")
    int descendants;

    @Label("Propagation Time")
    @Timespan(Timespan.NANOSECONDS)
    long propagation;

    @Label("Wall Clock Start (epoch ms)")
    long startedAt;

    @Label("Hops")
    String hops;
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

  static void cancelled(Tracing.Chain chain) {
    CancelEvent e = new CancelEvent();
    if (!e.isEnabled()) {
      return;
    }
    e.origin = chain.origin().toString();
    e.thread = chain.thread();
    e.site = chain.site().map(StackTraceElement::toString).orElse("");
    e.err = chain.err().getClass().getSimpleName();
    e.cause = chain.cause() == chain.err() ? "" : describe(chain.cause());
    e.descendants = chain.descendants();
    e.propagation = chain.duration().toNanos();
    e.startedAt = chain.startedAt().toEpochMilli();
    e.hops = encode(chain.hops());
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

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
  }

  private static String encode(List<Tracing.Hop> hops) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(hops.size(), MAX_HOPS);
    for (int i = 0; i < n; i++) {
      Tracing.Hop h = hops.get(i);
      sb.append(h.offsetNanos()).append('\t').append(h.parentHop()).append('\t');
      sb.append(clean(Tracing.segmentOf(h.context()))).append('\t');
      for (int j = 0; j < h.wokenThreads().size(); j++) {
        if (j > 0) {
          sb.append(THREAD_SEPARATOR);
        }
        sb.append(clean(h.wokenThreads().get(j)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace(THREAD_SEPARATOR, ' ');
  }
}
