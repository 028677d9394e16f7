package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.internal.Trace;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Cleaner-based leak watch: a cancellable context that becomes unreachable without being done is
 * reported once. The cleaning action holds only the record, never the context.
 */
final class Leaks {
  static final System.Logger LOG = System.getLogger("dev.ctx4j.observe.leak");
  static final int RECENT = 256;

  private final Cleaner cleaner;
  private final ArrayDeque<LeakDetector.Report> recent = new ArrayDeque<>(); // guarded by itself
  private volatile LeakDetector.Level level = LeakDetector.Level.SAMPLE;

  Leaks(Cleaner cleaner) {
    this.cleaner = cleaner;
  }

  LeakDetector.Level level() {
    return level;
  }

  void level(LeakDetector.Level l) {
    level = l;
  }

  /** True at {@code ALL}: every context is watched. */
  boolean watchesAll() {
    return level == LeakDetector.Level.ALL;
  }

  /**
   * Decides (once per cancellable context) whether to watch it: always at {@code ALL}; at {@code
   * SAMPLE}, the first context of each clock tick ({@code sample}), so at most one per millisecond.
   */
  boolean wantsWatch(boolean sample) {
    LeakDetector.Level l = level;
    return l == LeakDetector.Level.ALL || (sample && l == LeakDetector.Level.SAMPLE);
  }

  /**
   * Watches {@code ctx}, whose own stamp is {@code stamp}: its done flag is set by a hook on the
   * context itself (run inline by the cancelling thread: one volatile write), so a cancel counts
   * whether or not tracing is on when it happens; the cleaning action reports the context if it is
   * collected before that.
   */
  void watch(Context ctx, Registry.Stamp stamp) {
    String segment = Trace.segmentOf(ctx);
    var unused = ctx.afterDone(() -> stamp.done = true, Runnable::run);
    cleaner.register(ctx, () -> collected(stamp, segment));
  }

  private void collected(Registry.Stamp stamp, String segment) {
    if (stamp.done) {
      return;
    }
    LeakDetector.Report r =
        new LeakDetector.Report(
            stamp.seq,
            segment,
            stamp.site == null ? "" : stamp.site.toString(),
            Duration.ofNanos(System.nanoTime() - stamp.createdNanos));
    synchronized (recent) {
      recent.addFirst(r);
      while (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "ctx4j: a {0} context became unreachable without being cancelled (a lost cancel); created at {1}",
        segment,
        r.site().isEmpty() ? "an unknown site" : r.site());
    LeakEvents.leak(r);
  }

  List<LeakDetector.Report> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }
}
