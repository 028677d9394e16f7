package dev.ctx4j.observe;

import dev.ctx4j.Context;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.Key;
import dev.ctx4j.Tracing;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
   * @param parent index of the hop that reached this one, -1 for a root of the drawing
   * @param segment the context reached (e.g. {@code withTimeout(1.5s)}), or what was sent for a
   *     {@code request sent} hop
   * @param offsetNanos time from the chain's trigger (its first cancel) until this hop; negative
   *     for the request path that led to it
   * @param woken threads this hop unparked
   * @param kind what happened, e.g. {@code context ended}, {@code query stopped}
   * @param service the lane: a service name, {@code database}, or empty when unknown
   * @param thread the thread it happened on, or empty when unknown
   * @param detail free text (a statement, a failure), or empty
   */
  public record Hop(
      int parent,
      String segment,
      long offsetNanos,
      List<String> woken,
      String kind,
      String service,
      String thread,
      String detail) {
    /** Copies the list. */
    public Hop {
      Objects.requireNonNull(segment, "segment");
      woken = List.copyOf(woken);
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(thread, "thread");
      Objects.requireNonNull(detail, "detail");
    }

    /** A context reached by a walk, with no lane or thread known. */
    public Hop(int parent, String segment, long offsetNanos, List<String> woken) {
      this(parent, segment, offsetNanos, woken, HopKind.REACHED.label(), "", "", "");
    }

    /** True for the steps that stop work (a query stopped, an exchange aborted, ...). */
    public boolean stopsWork() {
      HopKind k = HopKind.ofLabel(kind);
      return k != null && k.stopsWork();
    }
  }

  /**
   * One propagation, stitched across the services it crossed: the chain of the trigger, the chains
   * it caused in the services downstream (joined under the hop that caused each), and the request
   * path that led to it.
   *
   * @param origin the path of the context cancelled (or expired) first
   * @param thread the cancelling thread
   * @param site the user's code that called cancel; empty for an expiry or a disconnect
   * @param descendants how many contexts it reached besides the origins (may exceed the hops kept)
   * @param hops in drawing order: the request path first, then the trigger's hops, then each joined
   *     chain's (bounded)
   * @param service the service the trigger happened in, or empty
   * @param request the request the first service on the path was serving (e.g. {@code GET
   *     /checkout}), or empty
   * @param routine true if no part of it is more than a scope ending normally (a plain cancel or
   *     close: no cause, no deadline); listed only when asked for
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
      List<Hop> hops,
      String service,
      String request,
      boolean routine) {
    /** Copies the list. */
    public Chain {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(state, "state");
      hops = List.copyOf(hops);
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(request, "request");
    }

    /** A chain of one service, not routine. */
    public Chain(
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
      this(
          id,
          origin,
          thread,
          site,
          startedAt,
          state,
          cause,
          descendants,
          durationNanos,
          hops,
          "",
          "",
          false);
    }

    /** What happened, in the user's terms: {@code client hung up}, {@code deadline exceeded}... */
    public String what() {
      if (state == State.DEADLINE_EXCEEDED) {
        return "deadline exceeded";
      }
      if (cause.contains("ClientDisconnectedException")) {
        return "client hung up";
      }
      if (cause.contains("ServerStoppedException")) {
        return "server stopped";
      }
      if (cause.equals("ContextCancelledException")) {
        return "cancelled";
      }
      int colon = cause.indexOf(':');
      int dot = cause.lastIndexOf('.', colon < 0 ? cause.length() : colon);
      return dot >= 0 ? cause.substring(dot + 1) : cause;
    }

    /** The services the chain crossed, in drawing order (the database lane excluded). */
    public List<String> services() {
      LinkedHashSet<String> out = new LinkedHashSet<>();
      for (Hop h : hops) {
        if (!h.service().isEmpty() && !h.service().equals(Trace.DATABASE)) {
          out.add(h.service());
        }
      }
      return List.copyOf(out);
    }

    /** The offset of the last hop that stopped work (a query, an exchange...), or -1. */
    public long workStoppedNanos() {
      long last = -1;
      for (Hop h : hops) {
        if (h.stopsWork()) {
          last = Math.max(last, h.offsetNanos());
        }
      }
      return last;
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
    TraceSink previous = Trace.install(new ObserveSink());
    if (previous != null && !(previous instanceof ObserveSink)) {
      Trace.install(previous); // someone else's sink: leave it, but say nothing is recorded here
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

  /**
   * The service contexts below a value of this key belong to: bind it on the root a server's
   * request contexts hang from ({@code background().withValue(SERVICE, "orders")}); chains are
   * drawn with a lane per service. Without it, {@code -Dctx4j.service} names the process's service.
   */
  public static final Key<String> SERVICE = Trace.SERVICE;

  /**
   * The last propagation chains, most recent first, each stitched across the services it crossed
   * (the chains it caused downstream are part of it, not listed on their own). Routine ends (a
   * scope closed or cancelled without a cause after its work was done) are left out: see {@link
   * #chains(boolean)}.
   */
  public static List<Chain> chains() {
    return chains(false);
  }

  /** As {@link #chains()}; with {@code all}, routine ends are listed too. */
  public static List<Chain> chains(boolean all) {
    return Registry.INSTANCE.chains(all);
  }

  /**
   * How many broken chains tracing saw in this process: contexts derived from {@code background()}
   * or {@code todo()} while another live context was current (see {@link BrokenChains}).
   */
  public static long brokenChains() {
    return BrokenChains.count();
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
    return build(Registry.INSTANCE.live(), 0, maxNodes, Registry.INSTANCE.chains(false));
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
    return !Trace.isCancellable(c) && Trace.parentOf(c).isPresent();
  }

  /**
   * The parent of {@code c} as the tree shows it: read-only views (no segment of their own: a view
   * is the context it shows) are skipped.
   */
  private static Context parentShown(Context c) {
    Context p = Trace.parentOf(c).orElse(null);
    while (p != null && isPathNode(p) && Trace.segmentOf(p) == null) {
      p = Trace.parentOf(p).orElse(null);
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
    String segment = Trace.segmentOf(ctx);
    var key = Trace.keyOf(ctx);
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
        clip(Trace.waitersOf(ctx)),
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
