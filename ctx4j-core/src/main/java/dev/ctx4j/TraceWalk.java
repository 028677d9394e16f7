package dev.ctx4j;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recording of one traced cancel: reports the chain's start, each hop as the walk reaches it (a
 * context made done, a thread woken), the hops integrations report later (work stopped), and the
 * end of the walk, to the sink and to JFR. Kept with the cancel's {@link Propagation}, so a step
 * that stops work finds the chain of the context it watched.
 *
 * <p>The walk fields ({@code parents}, {@code depth}, {@code current*}) belong to the walking
 * thread; hop indices come from one atomic counter shared with the threads that report work.
 */
final class TraceWalk {
  private static final AtomicLong IDS = new AtomicLong();
  static final int MAX_REMOTE_DEPTH = 256;

  final long id = IDS.incrementAndGet();
  final long startNanos;
  final Instant startedAt;
  private final TraceSink sink;
  private final Object handle;
  private final AtomicInteger next = new AtomicInteger();
  private final TraceSink.Start start;
  private final String walker;
  // walk state, walking thread only: the hop index of the node each child on the walk's stack was
  // found under (pushed when the walk pushes a child, popped when it pops one: both LIFO)
  private int[] parents = new int[8];
  private int depth;
  private CancelNode currentNode;
  private int current = -1;
  private int reached;

  TraceWalk(CancelNode origin, Propagation p, TraceSink sink) {
    this.startedAt = Instant.now();
    this.startNanos = System.nanoTime();
    this.sink = sink;
    this.walker = Trace.threadName(Thread.currentThread());
    Received from = receivedAbove(origin);
    this.start =
        new TraceSink.Start(
            id,
            origin,
            walker,
            routine(p) ? TraceAccess.sampledUserSite() : TraceAccess.userSite(),
            startedAt,
            startNanos,
            p.err,
            p.cause,
            serviceOf(origin),
            from == null ? null : from.remoteParent(),
            from == null ? "" : from.request());
    Object h = null;
    if (sink != null) {
      try {
        h = sink.began(start);
      } catch (RuntimeException e) {
        Callbacks.reportUncaught(e);
      }
    }
    this.handle = h;
  }

  /**
   * A plain cancel: no cause, no deadline — how a scope ends after its work (a request answered, a
   * try-with-resources closed). Its chain is a routine end, not shown unless asked for, and its
   * site is sampled (ADR 0141); a cancel with a cause always records its site.
   */
  static boolean routine(Propagation p) {
    return p.cause == p.err && !(p.err instanceof DeadlineExceededException);
  }

  static String serviceOf(Context ctx) {
    String s = ctx.value(Trace.SERVICE);
    return s != null ? s : System.getProperty("ctx4j.service", "");
  }

  /** The nearest context at or above {@code n} a request from another service created, or null. */
  static Received receivedAbove(Node n) {
    int steps = 0;
    for (Node c = n; c != null && steps < MAX_REMOTE_DEPTH; c = c.parent, steps++) {
      if (c instanceof CancelNode cn && cn.trace() instanceof Received r) { // nearest request
        return r;
      }
    }
    return null;
  }

  /** The walk reached {@code n}: the origin first, then each child in the order it pops them. */
  void hop(CancelNode n) {
    int parent = depth == 0 ? -1 : parents[--depth];
    HopKind kind;
    if (current < 0) {
      kind =
          start.err() instanceof DeadlineExceededException ? HopKind.DEADLINE : HopKind.CANCELLED;
    } else {
      kind = HopKind.REACHED;
      reached++;
    }
    currentNode = n;
    current = emit(parent, kind, n, "", walker, "");
  }

  /** The walk pushed a child of the current hop onto its stack. */
  void pushedChild() {
    if (depth == parents.length) {
      parents = Arrays.copyOf(parents, depth * 2);
    }
    parents[depth++] = current;
  }

  void fired(Link dependent) {
    if (dependent instanceof Waiter w) {
      Thread t = w.thread;
      if (t != null) {
        emit(current, HopKind.WOKEN, currentNode, "", Trace.threadName(t), "");
      }
    }
  }

  /** An integration's step that stops work, on the calling thread. */
  void stopped(CancelNode scope, HopKind kind, String lane, String detail) {
    emit(-1, kind, scope, lane, Trace.threadName(Thread.currentThread()), detail);
  }

  private int emit(int parent, HopKind kind, CancelNode n, String lane, String thread, String d) {
    int index = next.getAndIncrement();
    String remote = n.trace() instanceof Received r ? r.remoteParent() : null;
    TraceSink.Hop hop =
        new TraceSink.Hop(
            index,
            parent,
            kind,
            n,
            TraceAccess.refOf(n),
            lane,
            thread,
            System.nanoTime() - startNanos,
            remote,
            d);
    if (sink != null) {
      try {
        sink.hop(handle, hop);
      } catch (RuntimeException e) {
        Callbacks.reportUncaught(e);
      }
    }
    TraceEvents.hop(id, hop);
    return index;
  }

  void end() {
    parents = null;
    currentNode = null;
    long walk = System.nanoTime() - startNanos;
    TraceEvents.cancelled(start, reached, walk);
    if (sink != null) {
      try {
        sink.ended(handle, next.get(), walk);
      } catch (RuntimeException e) {
        Callbacks.reportUncaught(e);
      }
    }
  }

  /**
   * What a traced context created for an incoming request keeps in its trace slot, in front of the
   * sink's attachment.
   */
  record Received(String remoteParent, String request, Object attachment) {}
}
