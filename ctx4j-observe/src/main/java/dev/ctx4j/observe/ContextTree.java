package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The live context tree and the last propagation chains, as plain values to render.
 *
 * <p>Needs tracing ({@link #enable()} or {@code -Dctx4j.trace=on}); contexts created before it was
 * on are not in the tree. The tree holds the live traced cancellable contexts and, on the path from
 * each to its root, the value and detached contexts it was derived through; a value context with no
 * live cancellable context below it is not shown (it holds nothing and cannot be cancelled: tracing
 * does not record value contexts, see {@link Tracing}). Context values never appear, except those
 * of keys declared with {@link #displayable(Key)}. Thread-safe.
 */
public final class ContextTree {
  /** How many nodes {@link #snapshot()} shows at most. */
  public static final int DEFAULT_MAX_NODES = 5_000;

  /** How deep {@link #snapshot()} descends at most; deeper nodes are counted as omitted. */
  public static final int MAX_DEPTH = 200;

  static final int MAX_VALUE_CHARS = 120;
  static final int MAX_WAITERS_SHOWN = 16;

  private static final Set<Key<?>> DISPLAYABLE =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  private ContextTree() {}

  /** How a context (or a chain) ended, if it did. */
  public enum State {
    /** Not done yet. */
    LIVE,
    /** Done by a cancel: its own, or one that reached it from an ancestor. */
    CANCELLED,
    /** Done because a deadline, its own or an ancestor's, passed. */
    DEADLINE_EXCEEDED
  }

  /**
   * One context of the live tree.
   *
   * @param id unique within the snapshot, in the order the snapshot lists its nodes (synthetic
   *     roots have ids of zero or below)
   * @param segment the derivation step, e.g. {@code withTimeout(1.5s)}; for a displayable key the
   *     value follows after {@code =}
   * @param remaining time to the deadline, or null without one
   * @param waiters names of threads parked on this context
   * @param site the code that created it, or empty
   * @param age time since creation, or null if not recorded (value and detached contexts)
   */
  public record Node(
      long id,
      String segment,
      State state,
      Duration remaining,
      List<String> waiters,
      String site,
      Duration age,
      List<Node> children) {
    /** Copies the lists. */
    public Node {
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(state, "state");
      waiters = List.copyOf(waiters);
      Objects.requireNonNull(site, "site");
      children = List.copyOf(children);
    }

    /** This node and every descendant. */
    public int size() {
      int n = 1;
      for (Node c : children) {
        n += c.size();
      }
      return n;
    }
  }

  /**
   * One hop of a chain.
   *
   * @param parent index of the hop that reached this one, -1 for the origin
   * @param offsetNanos time from the cancel until this context was done
   * @param woken threads this hop unparked
   */
  public record Hop(int parent, String segment, long offsetNanos, List<String> woken) {
    /** Copies the list. */
    public Hop {
      Objects.requireNonNull(segment, "segment");
      woken = List.copyOf(woken);
    }
  }

  /**
   * One finished propagation.
   *
   * @param origin the path of the context cancelled (or expired)
   * @param thread the cancelling thread
   * @param site the code that called cancel; empty for a deadline expiry
   * @param descendants how many contexts it reached besides the origin (may exceed the hops kept)
   * @param hops the origin first, then every hop in walk order (bounded)
   */
  public record Chain(
      long id,
      String origin,
      String thread,
      String site,
      Instant startedAt,
      State state,
      String cause,
      int descendants,
      long durationNanos,
      List<Hop> hops) {
    /** Copies the list. */
    public Chain {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(state, "state");
      hops = List.copyOf(hops);
    }

    static Chain of(long id, Tracing.Chain c, int maxHops) {
      List<Tracing.Hop> src = c.hops();
      int n = Math.min(src.size(), maxHops);
      List<Hop> hops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Tracing.Hop h = src.get(i);
        hops.add(
            new Hop(
                h.parentHop(), Tracing.segmentOf(h.context()), h.offsetNanos(), h.wokenThreads()));
      }
      Throwable cause = c.cause();
      String causeText =
          cause == c.err()
              ? c.err().getClass().getSimpleName()
              : cause.getClass().getName()
                  + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
      return new Chain(
          id,
          c.origin().toString(),
          c.thread(),
          c.site().map(StackTraceElement::toString).orElse(""),
          c.startedAt(),
          c.err() instanceof DeadlineExceededException ? State.DEADLINE_EXCEEDED : State.CANCELLED,
          causeText,
          c.descendants(),
          c.duration().toNanos(),
          hops);
    }
  }

  /**
   * A moment's picture.
   *
   * @param roots one synthetic root per context traced contexts hang from (usually {@code
   *     Context.background}), children in creation order
   * @param live how many contexts the tree held: live traced cancellable ones and the value and
   *     detached ones on their paths
   * @param omitted how many of them are not in {@code roots} (beyond the node or depth limit)
   * @param chains the last finished chains, most recent first
   */
  public record Snapshot(
      Instant takenAt, List<Node> roots, int live, int omitted, List<Chain> chains) {
    /** Copies the lists. */
    public Snapshot {
      Objects.requireNonNull(takenAt, "takenAt");
      roots = List.copyOf(roots);
      chains = List.copyOf(chains);
    }
  }

  /** Turns tracing on and makes sure this module records it. Idempotent. */
  public static void enable() {
    Tracing.Sink previous = Tracing.install(new ObserveSink());
    if (previous != null && !(previous instanceof ObserveSink)) {
      Tracing.install(previous); // someone else's sink: leave it, but say nothing is recorded here
      throw new IllegalStateException("another tracing sink is installed: " + previous);
    }
    Tracing.on();
  }

  /**
   * Records the creation site of every traced cancellable context ({@code true}), or of the first
   * one created in each millisecond ({@code false}, the default, also {@code
   * -Dctx4j.trace.sites=sample}). A site costs a stack walk of a few microseconds, a hundred times
   * the cost of creating a context; sampling keeps those walks out of the cost of tracing-on
   * creation. Contexts watched by the {@link LeakDetector} always get their site.
   */
  public static void allSites(boolean all) {
    Registry.INSTANCE.sites(all ? Registry.Sites.ALL : Registry.Sites.SAMPLE);
  }

  /** Declares that values bound to {@code key} may be shown by renderers and the debug server. */
  public static void displayable(Key<?> key) {
    DISPLAYABLE.add(Objects.requireNonNull(key, "key"));
  }

  /** How many finished chains to keep (default 64). */
  public static void keepChains(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative: " + n);
    }
    Registry.INSTANCE.chainCapacity(n);
  }

  /** The last finished chains, most recent first. */
  public static List<Chain> chains() {
    return Registry.INSTANCE.chains();
  }

  /** The live tree (at most {@link #DEFAULT_MAX_NODES} nodes) and the last chains. */
  public static Snapshot snapshot() {
    return snapshot(DEFAULT_MAX_NODES);
  }

  /**
   * The live tree with at most {@code maxNodes} nodes (synthetic roots included) and the last
   * chains.
   *
   * @throws IllegalArgumentException if {@code maxNodes < 1}
   */
  public static Snapshot snapshot(int maxNodes) {
    if (maxNodes < 1) {
      throw new IllegalArgumentException("maxNodes must be at least 1: " + maxNodes);
    }
    return build(Registry.INSTANCE.live(), 0, maxNodes, Registry.INSTANCE.chains());
  }

  /**
   * A mark for {@link #liveSince}: every context created after this call is stamped with a greater
   * number than every context created before it (also the {@link LeakDetector.Report#id()}).
   */
  public static long mark() {
    return CoarseClock.advance();
  }

  /** The live tree restricted to contexts created after {@code mark}, and no chains. */
  public static Snapshot liveSince(long mark) {
    return build(Registry.INSTANCE.live(), mark, DEFAULT_MAX_NODES, List.of());
  }

  /** A context of the tree: a traced one with its stamp, or one on a path to one (no stamp). */
  private static final class Entry {
    final Context ctx;
    final Registry.Stamp stamp; // null on a path entry
    final long seq; // the stamp's, or the first traced descendant's for a path entry
    final int order; // position in the live list (path entries: their first descendant's)
    final List<Entry> children = new ArrayList<>(0);

    Entry(Context ctx, Registry.Stamp stamp, long seq, int order) {
      this.ctx = ctx;
      this.stamp = stamp;
      this.seq = seq;
      this.order = order;
    }
  }

  private static final Comparator<Entry> CREATION =
      Comparator.<Entry>comparingLong(e -> e.seq).thenComparingInt(e -> e.order);

  private static Snapshot build(
      List<Map.Entry<Context, Registry.Stamp>> live, long after, int maxNodes, List<Chain> chains) {
    IdentityHashMap<Context, Entry> byCtx = new IdentityHashMap<>();
    List<Entry> traced = new ArrayList<>();
    for (Map.Entry<Context, Registry.Stamp> e : live) {
      Registry.Stamp stamp = e.getValue();
      if (stamp.seq > after) {
        Entry entry = new Entry(e.getKey(), stamp, stamp.seq, traced.size());
        byCtx.put(entry.ctx, entry);
        traced.add(entry);
      }
    }
    int held = traced.size();
    IdentityHashMap<Context, String> labels = new IdentityHashMap<>();
    Map<String, List<Entry>> groups = new LinkedHashMap<>();
    for (Entry e : traced) {
      Entry child = e;
      while (true) {
        Context p = parentShown(child.ctx);
        Entry parent = p == null ? null : byCtx.get(p);
        if (parent != null) {
          parent.children.add(child);
          break;
        }
        if (p != null && isPathNode(p)) { // a value or detached context: shown, then go on up
          parent = new Entry(p, null, e.seq, e.order);
          byCtx.put(p, parent);
          held++;
          parent.children.add(child);
          child = parent;
          continue;
        }
        String label = p == null ? "?" : labels.computeIfAbsent(p, Object::toString);
        groups.computeIfAbsent(label, k -> new ArrayList<>()).add(child);
        break;
      }
    }
    long now = System.nanoTime();
    int[] budget = {maxNodes};
    long[] ids = {0};
    List<Node> roots = new ArrayList<>();
    long rootId = 0;
    for (Map.Entry<String, List<Entry>> g : groups.entrySet()) {
      if (budget[0] <= 0) {
        break;
      }
      budget[0]--;
      List<Node> kids = new ArrayList<>();
      for (Entry e : inCreationOrder(g.getValue())) {
        if (budget[0] <= 0) {
          break;
        }
        kids.add(node(e, now, budget, ids, 1));
      }
      roots.add(
          new Node(rootId--, g.getKey(), State.LIVE, null, List.of(), "", Duration.ZERO, kids));
    }
    roots.sort(Comparator.comparing(Node::segment));
    int shown = 0;
    for (Node r : roots) {
      shown += r.size() - 1;
    }
    return new Snapshot(Instant.now(), roots, held, held - shown, chains);
  }

  /** A context tracing does not record but the tree shows on the path to one it does. */
  private static boolean isPathNode(Context c) {
    return !Tracing.isCancellable(c) && Tracing.parentOf(c).isPresent();
  }

  /**
   * The parent of {@code c} as the tree shows it: read-only views (no segment of their own: a view
   * is the context it shows) are skipped.
   */
  private static Context parentShown(Context c) {
    Context p = Tracing.parentOf(c).orElse(null);
    while (p != null && isPathNode(p) && Tracing.segmentOf(p) == null) {
      p = Tracing.parentOf(p).orElse(null);
    }
    return p;
  }

  private static List<Entry> inCreationOrder(List<Entry> entries) {
    entries.sort(CREATION);
    return entries;
  }

  private static Node node(Entry e, long now, int[] budget, long[] ids, int depth) {
    budget[0]--;
    long id = ++ids[0];
    List<Node> kids = new ArrayList<>();
    if (depth < MAX_DEPTH) {
      for (Entry c : inCreationOrder(e.children)) {
        if (budget[0] <= 0) {
          break;
        }
        kids.add(node(c, now, budget, ids, depth + 1));
      }
    }
    Context ctx = e.ctx;
    String segment = Tracing.segmentOf(ctx);
    var key = Tracing.keyOf(ctx);
    if (key.isPresent() && DISPLAYABLE.contains(key.get())) {
      segment = segment + "=" + clip(String.valueOf(ctx.value(key.get())), MAX_VALUE_CHARS);
    }
    Duration remaining = ctx.deadline().map(d -> d.remaining()).orElse(null);
    Registry.Stamp stamp = e.stamp;
    return new Node(
        id,
        segment,
        !ctx.isDone()
            ? State.LIVE
            : ctx.err() instanceof DeadlineExceededException
                ? State.DEADLINE_EXCEEDED
                : State.CANCELLED,
        remaining,
        clip(Tracing.waitersOf(ctx)),
        stamp == null || stamp.site == null ? "" : stamp.site.toString(),
        stamp == null ? null : Duration.ofNanos(now - stamp.createdNanos),
        kids);
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  static List<String> clip(List<String> names) {
    if (names.size() <= MAX_WAITERS_SHOWN) {
      return names;
    }
    List<String> out = new ArrayList<>(names.subList(0, MAX_WAITERS_SHOWN));
    out.add("+" + (names.size() - MAX_WAITERS_SHOWN) + " more");
    return out;
  }

  static boolean isDisplayable(Key<?> key) {
    return DISPLAYABLE.contains(key);
  }
}
