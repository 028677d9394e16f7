package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the live tree and the chain views read: every traced context that is not known to be done,
 * held weakly, and the last finished chains.
 *
 * <p>Live contexts sit in {@link #STRIPES} weak maps chosen by identity hash, each guarded by its
 * own monitor, so creating threads rarely meet. A context leaves when a cancel walk reaches it or
 * when it is collected. Finished chains sit in a ring of at most {@link #chainCapacity} entries,
 * guarded by {@code chains}; each chain keeps at most {@link #MAX_HOPS_KEPT} hops. So memory is
 * bounded by the live contexts plus a constant.
 */
final class Registry implements Tracing.Sink {
  static final Registry INSTANCE = new Registry();

  static final int STRIPES = 64;
  static final int MAX_HOPS_KEPT = 1_000;

  /** One traced context. Holds no reference to the context itself (the map key does, weakly). */
  static final class Rec {
    final long id;
    final Rec parent; // null when the parent is a root or was not traced
    final StackTraceElement site; // null when not captured
    final long createdNanos;
    final long createdMillis;
    final boolean cancellable;
    volatile boolean done;

    Rec(long id, Rec parent, StackTraceElement site, boolean cancellable) {
      this.id = id;
      this.parent = parent;
      this.site = site;
      this.createdNanos = System.nanoTime();
      this.createdMillis = System.currentTimeMillis();
      this.cancellable = cancellable;
    }
  }

  private final List<Map<Context, Rec>> stripes = new ArrayList<>(STRIPES);
  private final AtomicLong ids = new AtomicLong();
  private final ArrayDeque<ContextTree.Chain> chains = new ArrayDeque<>();
  private final AtomicLong chainIds = new AtomicLong();
  private volatile int chainCapacity = 64;
  private volatile Sites sites = Sites.parse(System.getProperty("ctx4j.trace.sites", "sample"));
  final Leaks leaks = new Leaks(Cleaner.create());

  private Registry() {
    for (int i = 0; i < STRIPES; i++) {
      stripes.add(new WeakHashMap<>());
    }
  }

  /** Which contexts get their creation site recorded (a stack walk costs microseconds). */
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

  static final int SITE_SAMPLE_EVERY = 64;

  void sites(Sites s) {
    sites = s;
  }

  Sites sites() {
    return sites;
  }

  private boolean wantsSite() {
    Sites s = sites;
    return s == Sites.ALL
        || (s == Sites.SAMPLE
            && java.util.concurrent.ThreadLocalRandom.current().nextInt(SITE_SAMPLE_EVERY) == 0);
  }

  private Map<Context, Rec> stripe(Context ctx) {
    return stripes.get(System.identityHashCode(ctx) & (STRIPES - 1));
  }

  @Override
  public void created(Context ctx, Context parent) {
    if (ctx.isDone()) {
      return; // born done: nothing to watch
    }
    Rec parentRec = parent == null ? null : find(parent);
    boolean cancellable = Tracing.isCancellable(ctx);
    boolean watched = cancellable && leaks.wantsWatch();
    StackTraceElement site = watched || wantsSite() ? Tracing.callerSite() : null;
    Rec rec = new Rec(ids.incrementAndGet(), parentRec, site, cancellable);
    Map<Context, Rec> m = stripe(ctx);
    synchronized (m) {
      m.put(ctx, rec);
    }
    if (watched) {
      leaks.watch(ctx, rec);
    }
  }

  Rec find(Context ctx) {
    Map<Context, Rec> m = stripe(ctx);
    synchronized (m) {
      return m.get(ctx);
    }
  }

  @Override
  public void cancelled(Tracing.Chain chain) {
    List<Tracing.Hop> hops = chain.hops();
    for (Tracing.Hop h : hops) {
      Context c = h.context();
      Map<Context, Rec> m = stripe(c);
      Rec rec;
      synchronized (m) {
        rec = m.remove(c);
      }
      if (rec != null) {
        rec.done = true;
      }
    }
    ContextTree.Chain view = ContextTree.Chain.of(chainIds.incrementAndGet(), chain, MAX_HOPS_KEPT);
    synchronized (chains) {
      chains.addFirst(view);
      while (chains.size() > chainCapacity) {
        chains.removeLast();
      }
    }
  }

  /** The last finished chains, most recent first. */
  List<ContextTree.Chain> chains() {
    synchronized (chains) {
      return List.copyOf(chains);
    }
  }

  void chainCapacity(int n) {
    chainCapacity = n;
    synchronized (chains) {
      while (chains.size() > n) {
        chains.removeLast();
      }
    }
  }

  long lastId() {
    return ids.get();
  }

  /** Every traced context not known to be done, with its record; a moment's copy. */
  List<Map.Entry<Context, Rec>> live() {
    List<Map.Entry<Context, Rec>> out = new ArrayList<>();
    for (Map<Context, Rec> m : stripes) {
      synchronized (m) {
        for (Map.Entry<Context, Rec> e : m.entrySet()) {
          Context c = e.getKey();
          if (c != null && !c.isDone()) {
            out.add(Map.entry(c, e.getValue()));
          }
        }
      }
    }
    return out;
  }
}
