package dev.ctx4j.observe;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Joins the chains of one process, or of several (merged recordings), into one chain per
 * propagation.
 *
 * <p>Each service records its own chains. A request that crossed services carried the ref of the
 * sender's context; the context the receiving service created for it names that ref as its remote
 * parent. So a chain whose origin (or the request context it reached first) has a remote parent is
 * joined under the last hop, in any other chain, about the context with that ref — typically the
 * "exchange aborted" hop of the sender, whose abort the receiver saw as a disconnect. A chain
 * nothing joins is a top; its request path (the requests sent on the way to it, found by ref) is
 * drawn before it, at negative offsets. Offsets of joined chains are moved onto the top's clock by
 * the difference of their wall-clock starts (microseconds; across machines as good as their
 * clocks). A request that carried a W3C {@code traceparent} instead of the ref (ADR 0092) was
 * recorded by its sender with that value too: the receiver's remote parent is read through it.
 *
 * <p>Routine ends (a plain cancel without a cause: a scope that ended because its work was done)
 * take no part unless all chains are asked for; then a top is marked routine if every chain joined
 * into it is. A chain also stands for the requests that led to it: a later chain of the same
 * request path (the same deadline expiring again upstream) joins under the request it came from.
 */
final class Stitcher {
  /** A joined chain's hops beyond this many are dropped (the chain says how many it reached). */
  static final int MAX_HOPS = 2_000;

  private Stitcher() {}

  /** One chain as one process recorded it. Filled by one writer at a time, read under its lock. */
  static final class Raw {
    final String process;
    final long id;
    final String origin;
    final String thread;
    final String site;
    final Instant startedAt;
    final State state;
    final String cause;
    final boolean routine;
    final String service;
    final String remoteParent; // may be null
    final String request;
    private final List<RawHop> hops = new ArrayList<>(); // guarded by this
    private int descendants; // guarded by this
    private long walkNanos; // guarded by this

    Raw(
        String process,
        long id,
        String origin,
        String thread,
        String site,
        Instant startedAt,
        State state,
        String cause,
        boolean routine,
        String service,
        String remoteParent,
        String request) {
      this.process = process;
      this.id = id;
      this.origin = origin;
      this.thread = thread;
      this.site = site;
      this.startedAt = startedAt;
      this.state = state;
      this.cause = cause;
      this.routine = routine;
      this.service = service;
      this.remoteParent = remoteParent == null || remoteParent.isEmpty() ? null : remoteParent;
      this.request = request;
    }

    synchronized void add(RawHop h) {
      if (hops.size() < MAX_HOPS) {
        hops.add(h);
      }
      if (h.kind == HopKind.REACHED) {
        descendants++;
      }
    }

    synchronized void ended(long walk) {
      walkNanos = walk;
    }

    synchronized List<RawHop> hops() {
      List<RawHop> copy = new ArrayList<>(hops);
      copy.sort(Comparator.comparingInt(h -> h.index));
      return copy;
    }

    synchronized int descendants() {
      return descendants;
    }

    synchronized long walkNanos() {
      return walkNanos;
    }

    /** The remote parent of the origin, else of the first hop that has one. */
    String remoteParentOrFirst(List<RawHop> hs) {
      if (remoteParent != null) {
        return remoteParent;
      }
      for (RawHop h : hs) {
        if (h.remoteParent != null) {
          return h.remoteParent;
        }
      }
      return null;
    }
  }

  /**
   * One hop as recorded; {@code parent} -1 with a non-zero index: the last hop about {@code ref}.
   */
  record RawHop(
      int index,
      int parent,
      HopKind kind,
      String segment,
      String ref,
      String lane,
      String thread,
      long offsetNanos,
      String remoteParent,
      String detail) {
    RawHop {
      Objects.requireNonNull(kind, "kind");
      remoteParent = remoteParent == null || remoteParent.isEmpty() ? null : remoteParent;
    }
  }

  /**
   * A request that carried {@code ref} (or {@code via}, e.g. a traceparent, that the receiver
   * records instead) from {@code service} to another service.
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
    Sent {
      remoteParent = remoteParent == null || remoteParent.isEmpty() ? null : remoteParent;
      via = via == null || via.isEmpty() ? null : via;
    }
  }

  /** Where a chain joins: under the last hop of {@code parent} about the ref it came from. */
  private record Join(Raw parent) {}

  /** The stitched chains, most recent top first. */
  static List<Chain> stitch(List<Raw> unordered, List<Sent> sents, boolean all) {
    List<Raw> raws = new ArrayList<>(unordered);
    if (!all) {
      raws.removeIf(r -> r.routine); // a routine end neither is shown nor takes a real chain in
    }
    raws.sort(
        Comparator.comparing((Raw r) -> r.startedAt)); // joined chains in the order they began
    IdentityHashMap<Raw, List<RawHop>> hopsOf = new IdentityHashMap<>();
    Map<String, List<Raw>> byRef = new HashMap<>();
    for (Raw r : raws) {
      List<RawHop> hs = r.hops();
      hopsOf.put(r, hs);
      for (RawHop h : hs) {
        byRef.computeIfAbsent(h.ref, k -> new ArrayList<>(1)).add(r);
      }
    }
    Map<String, Sent> sentByRef = new HashMap<>();
    Map<String, String> aliases = new HashMap<>(); // what a request carried -> the sender's ref
    for (Sent s : sents) {
      sentByRef.put(s.ref, s);
      if (s.via != null) {
        sentByRef.put(s.via, s);
        aliases.put(s.via, s.ref);
      }
    }
    for (Raw r : raws) { // a chain also stands for the requests that led to it
      for (Sent s : pathOf(r, hopsOf.get(r), sentByRef)) {
        byRef.computeIfAbsent(s.ref, k -> new ArrayList<>(1)).add(r);
      }
    }
    IdentityHashMap<Raw, Join> joins = new IdentityHashMap<>();
    IdentityHashMap<Raw, List<Raw>> children = new IdentityHashMap<>();
    for (Raw r : raws) {
      String remote = r.remoteParentOrFirst(hopsOf.get(r));
      remote = remote == null ? null : aliases.getOrDefault(remote, remote);
      Join j = remote == null ? null : joinFor(r, remote, byRef);
      if (j != null) {
        joins.put(r, j);
        children.computeIfAbsent(j.parent, k -> new ArrayList<>()).add(r);
      }
    }
    List<Chain> out = new ArrayList<>();
    for (Raw top : raws) {
      if (joins.containsKey(top)) {
        continue;
      }
      Chain c = build(top, hopsOf, children, sentByRef, aliases);
      if (all || !c.routine()) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparing(Chain::startedAt).reversed());
    return out;
  }

  /** The last hop about {@code ref} in another chain that began no later than {@code r}. */
  private static Join joinFor(Raw r, String ref, Map<String, List<Raw>> byRef) {
    // joining only under chains that began earlier keeps the joins a forest
    Join best = null;
    Instant bestAt = null;
    for (Raw p : byRef.getOrDefault(ref, List.of())) {
      if (p == r || notBefore(p, r)) {
        continue;
      }
      if (bestAt != null && p.startedAt.isBefore(bestAt)) {
        continue;
      }
      best = new Join(p); // under which hop is decided while building: the last one on ref
      bestAt = p.startedAt;
    }
    return best;
  }

  /** The requests that led to {@code r}'s service, outermost first (by ref, through sends). */
  private static List<Sent> pathOf(Raw r, List<RawHop> hs, Map<String, Sent> sentByRef) {
    List<Sent> path = new ArrayList<>();
    String ref = r.remoteParentOrFirst(hs);
    while (ref != null && path.size() < 32) {
      Sent s = sentByRef.get(ref);
      if (s == null) {
        break;
      }
      path.add(0, s);
      ref = s.remoteParent;
    }
    return path;
  }

  /** True unless {@code p} began before {@code r} (ties broken by process and id): no cycles. */
  private static boolean notBefore(Raw p, Raw r) {
    int c = p.startedAt.compareTo(r.startedAt);
    if (c != 0) {
      return c > 0;
    }
    int byProcess = p.process.compareTo(r.process);
    return byProcess != 0 ? byProcess > 0 : p.id >= r.id;
  }

  private static Chain build(
      Raw top,
      IdentityHashMap<Raw, List<RawHop>> hopsOf,
      IdentityHashMap<Raw, List<Raw>> children,
      Map<String, Sent> sentByRef,
      Map<String, String> aliases) {
    List<Hop> hops = new ArrayList<>();
    List<RawHop> topHops = hopsOf.get(top);
    List<Sent> path = pathOf(top, topHops, sentByRef);
    Map<String, Integer> pathRefs = new HashMap<>();
    int parent = -1;
    for (Sent s : path) {
      hops.add(
          new Hop(
              parent,
              s.request,
              Duration.between(top.startedAt, s.at).toNanos(),
              List.of(),
              HopKind.REQUEST_SENT.label(),
              s.service,
              s.thread,
              ""));
      parent = hops.size() - 1;
      pathRefs.put(s.ref, parent);
    }
    boolean[] routine = {true};
    int[] descendants = {0};
    add(top, top, parent, pathRefs, hops, hopsOf, children, aliases, routine, descendants, 0);
    String request = path.isEmpty() ? top.request : path.get(0).serving;
    String service = top.service;
    return new Chain(
        top.id,
        top.origin,
        top.thread,
        top.site,
        top.startedAt,
        top.state,
        top.cause,
        descendants[0],
        top.walkNanos(),
        hops,
        service,
        request == null ? "" : request,
        routine[0]);
  }

  /** Appends {@code r}'s hops (its origin under hop {@code under}) and, recursively, its joins. */
  private static void add(
      Raw top,
      Raw r,
      int under,
      Map<String, Integer> pathRefs,
      List<Hop> hops,
      IdentityHashMap<Raw, List<RawHop>> hopsOf,
      IdentityHashMap<Raw, List<Raw>> children,
      Map<String, String> aliases,
      boolean[] routine,
      int[] descendants,
      int depth) {
    routine[0] &= r.routine;
    descendants[0] += r.descendants();
    long shift = Duration.between(top.startedAt, r.startedAt).toNanos();
    Map<Integer, Integer> at = new HashMap<>(); // raw index -> position in hops
    Map<String, Integer> lastByRef = new HashMap<>(pathRefs);
    for (RawHop h : hopsOf.get(r)) {
      if (h.kind == HopKind.WOKEN) {
        Integer p = at.get(h.parent);
        if (p != null) {
          Hop o = hops.get(p);
          List<String> woken = new ArrayList<>(o.woken());
          woken.add(h.thread);
          hops.set(
              p,
              new Hop(
                  o.parent(),
                  o.segment(),
                  o.offsetNanos(),
                  woken,
                  o.kind(),
                  o.service(),
                  o.thread(),
                  o.detail()));
        }
        continue;
      }
      int parent;
      if (h.parent >= 0) {
        parent = at.getOrDefault(h.parent, under);
      } else if (h.index == 0 || at.isEmpty()) {
        parent = under;
      } else {
        parent = lastByRef.getOrDefault(h.ref, at.getOrDefault(0, under));
      }
      String lane = h.lane.isEmpty() ? r.service : h.lane;
      hops.add(
          new Hop(
              parent,
              h.segment,
              h.offsetNanos + shift,
              List.of(),
              h.kind.label(),
              lane,
              h.thread,
              h.detail));
      at.put(h.index, hops.size() - 1);
      lastByRef.put(h.ref, hops.size() - 1);
    }
    if (depth >= 32) {
      return;
    }
    for (Raw c : children.getOrDefault(r, List.of())) {
      // where c joins: the last hop of r about the ref c came from
      String ref = c.remoteParentOrFirst(hopsOf.get(c));
      ref = ref == null ? null : aliases.getOrDefault(ref, ref);
      Integer p = ref == null ? null : lastByRef.get(ref);
      add(
          top,
          c,
          p == null ? under : p,
          Map.of(),
          hops,
          hopsOf,
          children,
          aliases,
          routine,
          descendants,
          depth + 1);
    }
  }
}
