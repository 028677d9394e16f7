package dev.ctx4j.observe;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the live tree and the chain views read: every traced cancellable context that is not known
 * to be done, and the last finished chains.
 *
 * <p>Creation is the hot path (tracing-on creation must cost at most twice untraced creation), so
 * it takes no lock and, for most contexts, allocates nothing. Core keeps what {@link #created}
 * returns with the context ({@link Trace#attachment}): a {@link Stamp}, usually the shared one of
 * the current {@link CoarseClock} tick, so a creation costs a volatile read and a store. Only
 * sampled contexts (their creation site recorded, or watched by the leak detector) get a stamp of
 * their own.
 *
 * <p>Enumeration follows core's own structure. A context registered with a traced cancellable
 * ancestor ({@code linked}) is reachable from it while live ({@link Trace#linkedChildrenOf}), so it
 * needs no record here. Only the others, the tops of traced subtrees (children of {@code
 * background()}, of a detached context, or of a context created before tracing was on), are
 * recorded, in a log owned by the creating thread ({@link Log}). A record is a weak reference
 * ({@link Rec}): to the top itself if it has a stamp of its own, else to the {@link Group} of
 * unsampled tops the thread created in the same tick, which they share as their stamp (a thread
 * finds its open group through the tick's table, {@link CoarseClock.Epoch}: no thread-local lookup
 * per top). So one weak reference covers a group, not each top; the price is that a top dropped
 * without a cancel stays reachable, through the group, while a sibling does (fewer than {@value
 * #MAX_GROUP} others, of the same thread and millisecond; ADR 0035). The owner appends with plain
 * writes and, each time the log has doubled, copies the records still live into a fresh chain it
 * then publishes (a reader sees either chain whole; the copying costs O(1) per record). Readers
 * walk every published chain, keep the tops still reachable and not done, and descend through their
 * linked children. A context created before a reader's happens-before edge with the creating thread
 * is seen; one created concurrently may not be. Logs of threads that ended are compacted (or
 * dropped, once empty) by whichever thread registers a new log.
 *
 * <p>Done-ness is read from the context itself; a context watched by the leak detector also marks
 * its own stamp done through a hook ({@link Leaks#watch}).
 *
 * <p>Finished chains sit in a ring of at most {@link #chainCapacity} entries, guarded by {@code
 * chains}; each keeps at most {@link Stitcher#MAX_HOPS} hops, and the last {@link #MAX_SENT_KEPT}
 * requests sent to other services are kept to draw request paths. So memory is bounded by the live
 * contexts plus the top records not yet swept (at most the capacity of each thread's log) plus a
 * constant.
 */
final class Registry implements TraceSink {
  static final Registry INSTANCE = new Registry();

  static final int MAX_SENT_KEPT = 4_096;
  static final int FIRST_SEGMENT = 16; // small: many virtual threads create a few contexts
  static final int MAX_SEGMENT = 1_024;
  static final int FIRST_GROUP = 4;
  static final int MAX_GROUP = 64;

  /**
   * When a traced context was created and, if sampled, where. Unsampled linked contexts share the
   * stamp of the clock tick they were created in ({@link CoarseClock#current()}); unsampled tops
   * share their {@link Group}, which copies it.
   */
  static class Stamp {
    final long seq; // the tick's number: grows with time and with each ContextTree.mark()
    final long createdNanos; // the tick's System.nanoTime(): at most one tick early
    final StackTraceElement site; // null when not captured (always null on a shared tick stamp)
    volatile boolean sampled; // a shared tick stamp: one of its contexts has been sampled
    volatile boolean done; // an own stamp of a watched context: a cancel reached it

    Stamp(long seq, long createdNanos, StackTraceElement site) {
      this.seq = seq;
      this.createdNanos = createdNanos;
      this.site = site;
    }
  }

  /**
   * The tops one thread created in one clock tick, unsampled: the stamp they share (each keeps it
   * as its attachment, so the group lives while any of them does) and the tops themselves. One weak
   * record covers the whole group instead of one per top. Slots are appended by the owner (plain
   * writes; a reader may miss the newest) and cleared once their context is done, by the owner or
   * by a reader (a slot only ever goes from null to a context to null, so no write is lost).
   */
  static final class Group extends Stamp {
    final long owner; // Thread.threadId() of the only thread that appends
    final Context[] tops;
    int size; // the owner's

    Group(Stamp tick, long owner, int capacity) {
      super(tick.seq, tick.createdNanos, null);
      this.owner = owner;
      this.tops = new Context[capacity];
    }

    /** True if a slot holds a context not done; clears the slots of those done. */
    boolean sweep() {
      boolean live = false;
      Context[] t = tops;
      for (int i = 0; i < t.length; i++) {
        Context c = t[i];
        if (c != null) {
          if (c.isDone()) {
            t[i] = null;
          } else {
            live = true;
          }
        }
      }
      return live;
    }
  }

  /**
   * A record in a log: a weak reference, cleared by the garbage collector once unreachable, to a
   * top with a stamp of its own (sampled) or to a {@link Group} of tops.
   */
  static final class Rec extends WeakReference<Object> {
    Rec(Object topOrGroup) {
      super(topOrGroup);
    }
  }

  /** A block of records; a log is a chain of them, newest first. */
  static final class Segment {
    final Rec[] recs;
    final Segment older;

    Segment(int capacity, Segment older) {
      this.recs = new Rec[capacity];
      this.older = older;
    }
  }

  /**
   * The records one thread appended, as a chain of segments of at most {@value #MAX_SEGMENT} (small
   * arrays: storing young records into a huge old array would cost the garbage collector a card per
   * store). Only the owner appends ({@link #size}, {@link #total} are the owner's); it publishes
   * each new head through {@link #head}.
   */
  static final class Log {
    final Thread owner;
    private Segment current;
    private int size; // used slots of current
    private long total; // records in the chain
    private long compactAt;
    private int gcSince; // GcWatch.count() at the last compaction
    private Rec group; // the record of the group being filled, or null
    volatile Segment head;

    Log(Thread owner) {
      this.owner = owner;
      this.current = new Segment(FIRST_SEGMENT, null);
      this.compactAt = FIRST_SEGMENT;
      this.head = current;
    }

    void add(Rec rec) {
      if (size == current.recs.length) {
        if (total >= compactAt || gcSince != GcWatch.count()) {
          gcSince = GcWatch.count();
          compact();
        }
        if (size == current.recs.length) {
          current = new Segment(Math.min(MAX_SEGMENT, current.recs.length * 4), current);
          size = 0;
          head = current;
        }
      }
      current.recs[size++] = rec;
      total++;
    }

    /** Records {@code g}, which this thread now fills (kept by compaction while it does). */
    void opened(Group g) {
      Rec r = new Rec(g);
      group = r;
      add(r);
    }

    /**
     * Copies the records still live into a fresh chain and publishes it. Runs when the chain has
     * doubled (so copying costs O(1) per record) and after each garbage collection (which cleared
     * the records of contexts it collected: dropping them at once keeps the next collection from
     * copying them again).
     */
    void compact() {
      Segment fresh = new Segment(FIRST_SEGMENT, null);
      int n = 0;
      long kept = 0;
      for (Segment s = current; s != null; s = s.older) {
        for (Rec r : s.recs) {
          if (r != null && (r == group || isLive(r))) { // the group being filled stays
            if (n == fresh.recs.length) {
              fresh = new Segment(Math.min(MAX_SEGMENT, fresh.recs.length * 4), fresh);
              n = 0;
            }
            fresh.recs[n++] = r;
            kept++;
          }
        }
      }
      current = fresh;
      size = n;
      total = kept;
      compactAt = Math.max(FIRST_SEGMENT, 2 * kept);
      head = fresh;
    }

    private static boolean isLive(Rec r) {
      Object o = r.get();
      return o instanceof Context c ? !c.isDone() : o instanceof Group g && g.sweep();
    }
  }

  /** Counts garbage collections: a sentinel, only weakly held, is cleared by each one. */
  static final class GcWatch {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Cleaner CLEANER = Cleaner.create();

    static {
      arm();
    }

    private GcWatch() {}

    static int count() {
      return COUNT.get();
    }

    private static void arm() {
      CLEANER.register(
          new Object(),
          () -> {
            COUNT.incrementAndGet();
            arm();
          });
    }
  }

  private final ThreadLocal<Log> mine = ThreadLocal.withInitial(this::newLog);
  private final List<Log> logs = new ArrayList<>(); // guarded by itself
  private int logsAfterSweep; // guarded by logs
  private final ArrayDeque<Stitcher.Raw> chains = new ArrayDeque<>();
  private final ArrayDeque<Stitcher.Sent> sent = new ArrayDeque<>(); // guarded by itself
  private volatile int chainCapacity = 64;
  private volatile Sites sites = Sites.parse(System.getProperty("ctx4j.trace.sites", "sample"));
  final Leaks leaks = new Leaks(Cleaner.create());
  // sites == ALL or leaks at ALL: every context gets its own stamp (one read on the fast path)
  private volatile boolean everyContext = sites == Sites.ALL;

  private Registry() {}

  /**
   * Which contexts get their creation site recorded (a stack walk costs microseconds): all, or the
   * first one created in each clock tick (at most one walk per millisecond), or none.
   */
  enum Sites {
    ALL,
    SAMPLE,
    OFF;

    static Sites parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "all", "on" -> ALL;
        case "off", "none" -> OFF;
        default -> SAMPLE;
      };
    }
  }

  void sites(Sites s) {
    sites = s;
    modesChanged();
  }

  void leakLevel(LeakDetector.Level l) {
    leaks.level(l);
    modesChanged();
  }

  private synchronized void modesChanged() {
    everyContext = sites == Sites.ALL || leaks.watchesAll();
  }

  Sites sites() {
    return sites;
  }

  private Log newLog() {
    Log log = new Log(Thread.currentThread());
    synchronized (logs) {
      if (logs.size() >= 2 * Math.max(8, logsAfterSweep)) {
        sweepEndedThreads();
      }
      logs.add(log);
    }
    return log;
  }

  /** Compacts the logs of threads that ended; drops those left empty. Holds {@code logs}. */
  private void sweepEndedThreads() {
    List<Log> kept = new ArrayList<>(logs.size());
    for (Log l : logs) {
      if (l.owner.isAlive()) {
        kept.add(l);
      } else {
        l.group = null; // the owner is gone (it appends no more) and sweeps hold logs
        l.compact();
        if (l.total > 0) {
          kept.add(l);
        }
      }
    }
    logs.clear();
    logs.addAll(kept);
    logsAfterSweep = logs.size();
  }

  @Override
  public Object created(CancellableContext ctx, Context parent, boolean linked) {
    CoarseClock.Epoch now = CoarseClock.epoch();
    Stamp tick = now.tick;
    if (tick.sampled && !everyContext) {
      // Most creations: this tick's sample is taken and no mode records every context. Kept small
      // so that it inlines into core's creation. (A context born done may take this path too: its
      // group slot is cleared at the next sweep, a snapshot skips it.)
      return linked ? tick : join(ctx, now);
    }
    return createdSampling(ctx, linked, now);
  }

  /** Adds a top to the calling thread's group in this tick; returns the group. */
  private Group join(Context top, CoarseClock.Epoch now) {
    long me = Thread.currentThread().threadId();
    Group[] open = now.open;
    int i = (int) me & (CoarseClock.GROUP_SLOTS - 1);
    Group g = open[i];
    if (g == null || g.owner != me || g.size == g.tops.length) {
      g = openGroup(now, me, i, g);
    }
    g.tops[g.size++] = top;
    return g;
  }

  private Group openGroup(CoarseClock.Epoch now, long me, int i, Group last) {
    boolean grow = last != null && last.owner == me;
    Group g =
        new Group(now.tick, me, grow ? Math.min(MAX_GROUP, 2 * last.tops.length) : FIRST_GROUP);
    mine.get().opened(g);
    now.open[i] = g; // a hint for this thread's next top: a race may lose it, costing a new group
    return g;
  }

  private Object createdSampling(CancellableContext ctx, boolean linked, CoarseClock.Epoch now) {
    Stamp tick = now.tick;
    if (ctx.isDone()) {
      return null; // born done: nothing to watch
    }
    // The first context of each tick is the sample: a plain read while it is taken (a race may
    // sample two, harmlessly).
    boolean sample = !tick.sampled && (tick.sampled = true);
    boolean watch = leaks.wantsWatch(sample);
    Sites s = sites;
    boolean own = watch || s == Sites.ALL || (sample && s == Sites.SAMPLE);
    Stamp stamp = own ? new Stamp(tick.seq, tick.createdNanos, Trace.callerSite()) : tick;
    if (!linked) {
      if (!own) {
        return join(ctx, now);
      }
      mine.get().add(new Rec(ctx));
    }
    if (watch) {
      leaks.watch(ctx, stamp);
    }
    return stamp;
  }

  @Override
  public Object began(TraceSink.Start st) {
    Throwable cause = st.cause();
    String causeText =
        cause == st.err()
            ? st.err().getClass().getSimpleName()
            : cause.getClass().getName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    boolean deadline = st.err() instanceof DeadlineExceededException;
    Stitcher.Raw raw =
        new Stitcher.Raw(
            Trace.processTag(),
            st.id(),
            st.origin().toString(),
            st.thread(),
            st.site() == null ? "" : Format.site(st.site()),
            st.startedAt(),
            deadline ? ContextTree.State.DEADLINE_EXCEEDED : ContextTree.State.CANCELLED,
            causeText,
            !deadline && cause == st.err(),
            st.service(),
            st.remoteParent(),
            st.request());
    synchronized (chains) {
      chains.addFirst(raw);
      while (chains.size() > chainCapacity) {
        chains.removeLast();
      }
    }
    return raw;
  }

  @Override
  public void hop(Object chain, TraceSink.Hop h) {
    if (chain instanceof Stitcher.Raw raw) {
      String segment = Trace.segmentOf(h.context());
      raw.add(
          new Stitcher.RawHop(
              h.index(),
              h.parent(),
              h.kind(),
              segment == null ? "" : segment,
              h.ref(),
              h.lane(),
              h.thread(),
              h.offsetNanos(),
              h.remoteParent(),
              h.detail()));
    }
  }

  @Override
  public void ended(Object chain, int hops, long walkNanos) {
    if (chain instanceof Stitcher.Raw raw) {
      raw.ended(walkNanos);
    }
  }

  @Override
  public void sent(TraceSink.Sent s) {
    synchronized (sent) {
      sent.addFirst(
          new Stitcher.Sent(
              s.ref(),
              s.service(),
              s.remoteParent(),
              s.request(),
              s.serving(),
              s.thread(),
              s.at(),
              s.via()));
      while (sent.size() > MAX_SENT_KEPT) {
        sent.removeLast();
      }
    }
  }

  /** The last chains, stitched, most recent first; routine ends only with {@code all}. */
  List<ContextTree.Chain> chains(boolean all) {
    List<Stitcher.Raw> raws;
    synchronized (chains) {
      raws = List.copyOf(chains);
    }
    List<Stitcher.Sent> sents;
    synchronized (sent) {
      sents = new ArrayList<>(sent);
    }
    java.util.Collections.reverse(sents); // oldest first: a later send of a ref wins
    return Stitcher.stitch(raws, sents, all);
  }

  void chainCapacity(int n) {
    chainCapacity = n;
    synchronized (chains) {
      while (chains.size() > n) {
        chains.removeLast();
      }
    }
  }

  /** How many top records the calling thread's log holds (live or not yet compacted). */
  long recordedHere() {
    return mine.get().total;
  }

  /** How many logs are registered (ended threads' logs are swept as new ones arrive). */
  int logCount() {
    synchronized (logs) {
      return logs.size();
    }
  }

  /**
   * Every traced cancellable context not known to be done, with its stamp; a moment's copy. The
   * tops from the logs first (each thread's oldest first), then, level by level, the linked
   * children of those already found (oldest first).
   */
  List<Map.Entry<Context, Stamp>> live() {
    List<Log> all;
    synchronized (logs) {
      all = List.copyOf(logs);
    }
    List<Map.Entry<Context, Stamp>> out = new ArrayList<>();
    for (Log l : all) {
      List<Segment> newestFirst = new ArrayList<>();
      for (Segment s = l.head; s != null; s = s.older) {
        newestFirst.add(s);
      }
      for (int i = newestFirst.size() - 1; i >= 0; i--) {
        for (Rec r : newestFirst.get(i).recs) {
          Object o = r == null ? null : r.get();
          if (o instanceof Context c) {
            addIfTraced(out, c);
          } else if (o instanceof Group g) {
            Context[] tops = g.tops;
            for (int k = 0; k < tops.length; k++) {
              Context c = tops[k];
              if (c != null && c.isDone()) {
                tops[k] = null; // see Group: a done slot is never written again by its owner
              } else if (c != null) {
                addIfTraced(out, c);
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < out.size(); i++) {
      List<CancellableContext> kids = Trace.linkedChildrenOf(out.get(i).getKey());
      for (int k = kids.size() - 1; k >= 0; k--) {
        addIfTraced(out, kids.get(k));
      }
    }
    return out;
  }

  /**
   * Adds {@code c} if it is live and traced by this registry. A context created while tracing was
   * off has no stamp; its traced children are tops of their own.
   */
  private static void addIfTraced(List<Map.Entry<Context, Stamp>> out, Context c) {
    if (Trace.attachment(c) instanceof Stamp s && !c.isDone()) {
      out.add(Map.entry(c, s));
    }
  }
}
