package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
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
  static final int SAMPLE_EVERY = 1_024;
  static final int RECENT = 256;

  private final Cleaner cleaner;
  private final ArrayDeque<LeakDetector.Report> recent = new ArrayDeque<>(); // guarded by itself
  private volatile LeakDetector.Level level = LeakDetector.Level.SAMPLE;
  private volatile boolean everWatched;

  Leaks(Cleaner cleaner) {
    this.cleaner = cleaner;
  }

  LeakDetector.Level level() {
    return level;
  }

  void level(LeakDetector.Level l) {
    level = l;
  }

  /**
   * Decides (once per cancellable context) whether to watch it, from the top bits of the spread
   * creation number ({@link Registry#spread}): one in {@value #SAMPLE_EVERY} when sampling.
   */
  boolean wantsWatch(long spread) {
    LeakDetector.Level l = level;
    return l == LeakDetector.Level.ALL
        || (l == LeakDetector.Level.SAMPLE
            && (spread >>> (64 - Integer.numberOfTrailingZeros(SAMPLE_EVERY))) == 0);
  }

  /** True once any context has been watched: cancels must then mark watched records done. */
  boolean watching() {
    return everWatched;
  }

  void watch(Context ctx, Registry.Rec rec) {
    everWatched = true;
    String segment = Tracing.segmentOf(ctx);
    cleaner.register(ctx, () -> collected(rec, segment));
  }

  private void collected(Registry.Rec rec, String segment) {
    if (rec.done) {
      return;
    }
    LeakDetector.Report r =
        new LeakDetector.Report(
            rec.id,
            segment,
            rec.site == null ? "" : rec.site.toString(),
            Duration.ofNanos(System.nanoTime() - rec.createdNanos));
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
