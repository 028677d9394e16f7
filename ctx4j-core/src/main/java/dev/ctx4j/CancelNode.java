package dev.ctx4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code cancelCtx}: a cancellation scope.
 *
 * <h2>Algorithm</h2>
 *
 * <p>{@link #state} is the single source of truth (S41): null while live, then the {@link
 * Propagation} of the cancel that won the one compare-and-set. Dependents (child scopes, parked
 * waiters, callbacks, interrupters) sit in a lock-free stack headed by {@link #head}: {@link #link}
 * is one compare-and-set pushing the entry. The cancel that wins {@code state} freezes the stack by
 * swapping {@code head} for the {@link #FROZEN} sentinel; from then on {@link #link} refuses (the
 * dependent is told the node is done) and {@link #unlink} leaves it alone, so the winner owns every
 * entry it took and walks them without a lock. {@link #link} also refuses once {@code state} is
 * set, so a thread that saw this node done can never register a live child (S7). A winner that
 * finds the stack empty freezes it with a plain store instead of the swap: {@link #link} rereads
 * {@code state} after its push (a Dekker pair with the winner's set-then-read), so a push the store
 * overwrites is always told "done". Such a late entry may be handled twice, by its owner and by the
 * winner; every dependent tolerates that (a child's state is set to the same propagation, a
 * callback's start is one compare-and-set, a waiter's unpark is harmless, an interrupter is
 * finished by its owner before it can fire).
 *
 * <p>Removal (S8) is lazy and amortized O(1). An entry is dead once it no longer needs its owner (a
 * cancelled child, a finished wait, a stopped callback: {@link Link#isDead()}); {@link #unlink} is
 * called after it is dead. An entry on top of the stack is popped with one compare-and-set,
 * together with any dead entries below it. Any other one only counts as garbage in {@link
 * #garbage}; when the garbage reaches the number of live entries the last sweep found (at least
 * {@value #MIN_SWEEP}), the thread that crossed the mark sweeps the whole stack, bypassing dead
 * entries. So a long-lived parent holds at most about twice its live dependents whatever order they
 * end in, and the sweeps cost O(1) per removal amortized. Entries only ever point to older entries
 * and a bypassed entry keeps its own {@code next}, so a thread holding a stale pointer still
 * reaches every live entry; popped entries cannot come back, so the popper clears their {@code
 * next}.
 *
 * <p>At most one thread sweeps (or takes a {@link #dependents} snapshot) at a time: it holds the
 * {@link #SWEEPING} bit of {@code garbage}. It rereads {@code head} before each step and stops at
 * {@code FROZEN}; the cancel winner, after freezing, waits until no sweep holds the bit (a Dekker
 * pair: either the sweeper sees {@code FROZEN} or the winner sees the bit). After that no other
 * thread writes any {@code next} field of the frozen entries.
 *
 * <p>The winner walks the subtree iteratively (no recursion: depth 100,000 is fine), using the
 * {@link Link#next} field of each child as the walk's stack, so cancelling allocates nothing per
 * descendant. For each child it tries the same compare-and-set with the same propagation, so every
 * descendant reports the same err and cause objects. A child that another cancel already won keeps
 * its own (S39), and the walk waits for that other walk to finish (if it has not) before declaring
 * its own complete; a cancel that loses at the top waits the same way. So when {@code cancel()}
 * returns, every descendant is done (S5). These waits cannot cycle: a walk only ever waits for a
 * walk that started strictly inside its own subtree.
 *
 * <p>Waiters are unparked on the walking thread (unpark only schedules them); callbacks, {@code
 * done()} dependents and interrupts are handed to an executor, never run inline. Dead entries are
 * skipped.
 */
sealed class CancelNode extends Node implements CancellableContext permits CancelNode.Traced {
  private static final VarHandle STATE;
  private static final VarHandle HEAD;
  private static final VarHandle GARBAGE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(CancelNode.class, "state", Propagation.class);
      HEAD = l.findVarHandle(CancelNode.class, "head", Link.class);
      GARBAGE = l.findVarHandle(CancelNode.class, "garbage", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #head} of a done node: the stack is frozen and belongs to the cancel that won. */
  private static final Link FROZEN =
      new Link() {
        @Override
        void fire(CancelNode owner) {
          throw new AssertionError("the frozen sentinel is never linked");
        }
      };

  /** Dead entries tolerated before the first sweep, and after a sweep of a short stack. */
  static final int MIN_SWEEP = 16;

  /** The bit of {@link #garbage} held by the one thread sweeping or taking a snapshot. */
  private static final int SWEEPING = 1 << 30;

  private static final int SWEEP_HELD = 1 << 29; // garbage >= this: SWEEPING is held
  private static final int MAX_THRESHOLD = 1 << 28;

  volatile Propagation state; // null while live; set once by compare-and-set
  private volatile Link head; // the newest dependent, null, or FROZEN once done
  // Dead entries counted since the last sweep, minus (threshold - MIN_SWEEP): a sweep is due at
  // MIN_SWEEP. Plus SWEEPING while a thread sweeps or takes a snapshot.
  private volatile int garbage;
  private final Deadline deadline; // the nearest deadline toward the root, or null
  private volatile DoneStage stage; // created by the first done() call

  CancelNode(Node parent, Deadline deadline) {
    super(parent);
    this.deadline = deadline;
  }

  /** withCancel: a child scope registered with the parent's scope, or born done (S7, S25). */
  static CancelNode childOf(Node parent) {
    parent.expireOverdueDeadline();
    CancelNode child =
        Tracing.on
            ? new Traced(parent, parent.deadlineOrNull())
            : new CancelNode(parent, parent.deadlineOrNull());
    child.attach();
    return Tracing.created(child);
  }

  /**
   * A cancel node with a slot for what the tracing sink keeps with it ({@code Trace.attachment}): a
   * withCancel node created while tracing is on (a subclass, so untraced withCancel nodes stay at
   * 40 bytes), and every {@link TimerNode}, whose fields fill the 48 bytes this one is padded to
   * (72 bytes with the slot or without).
   */
  static sealed class Traced extends CancelNode permits TimerNode {
    private Object trace; // written once by the creating thread, read racily by observers

    Traced(Node parent, Deadline deadline) {
      super(parent, deadline);
    }

    @Override
    final Object trace() {
      return trace;
    }

    @Override
    final void trace(Object t) {
      trace = t;
    }
  }

  /** What the tracing sink keeps with this node, or null (untraced nodes have no slot). */
  Object trace() {
    return null;
  }

  /** Keeps {@code t} for the tracing sink; ignored by untraced nodes. */
  void trace(Object t) {}

  /** Registers with the parent's scope; if that is already done, this node is born done. */
  final boolean attach() {
    CancelNode ps = parent.scope();
    if (ps == null || ps.link(this)) {
      return true;
    }
    state = ps.state; // same err and cause as the parent (S7)
    return false;
  }

  @Override
  final CancelNode scope() {
    return this;
  }

  @Override
  final Deadline deadlineOrNull() {
    return deadline;
  }

  @Override
  String segment() {
    return "withCancel";
  }

  @Override
  public final boolean isDone() {
    if (Sweeps.on) {
      Sweeps.point(this, "isDone");
    }
    return state != null;
  }

  // ---- the dependents list -----------------------------------------------------------------

  @Override
  final boolean isDead() {
    return state != null; // as a dependent of its parent: a done child needs nothing more
  }

  /** Links {@code e}; returns false (linking nothing) if this node is already done. */
  final boolean link(Link e) {
    if (state != null) {
      return false; // done, even if the winner has not frozen the stack yet (S7)
    }
    Link h;
    do {
      h = head;
      if (h == FROZEN) {
        return false;
      }
      e.next = h;
    } while (!HEAD.compareAndSet(this, h, e));
    // With takeDependents, a Dekker pair: if the winner found the stack empty (and so will not
    // freeze it with an atomic swap), this read sees it done; then the caller handles e itself, and
    // the winner may handle it too (every dependent's fire is idempotent or a no-op by then).
    return state == null;
  }

  /**
   * Forgets {@code e}, which must already be dead ({@link Link#isDead()}) if it is to be swept from
   * the middle of the stack; amortized O(1). Does nothing once this node is done.
   */
  @SuppressWarnings("ReferenceEquality") // list membership is identity
  final void unlink(Link e) {
    Link h = head;
    if (h == e) {
      if (HEAD.compareAndSet(this, e, e.next)) {
        e.next = null; // popped entries never come back: drop the path to older ones
        popDeadTop();
        return;
      }
      h = head;
    }
    if (h != FROZEN && h != null) {
      countGarbage();
    }
  }

  /** Pops dead entries off the top; returns the head left (null, FROZEN or a live entry). */
  private Link popDeadTop() {
    Link h;
    while ((h = head) != null && h != FROZEN && h.isDead()) {
      Link n = h.next;
      if (HEAD.compareAndSet(this, h, n)) {
        h.next = null;
      }
    }
    return h;
  }

  private void countGarbage() {
    int v = (int) GARBAGE.getAndAdd(this, 1) + 1;
    if (v >= MIN_SWEEP && v < SWEEP_HELD && GARBAGE.compareAndSet(this, v, SWEEPING)) {
      sweep();
    }
  }

  /** Bypasses every dead entry; holds {@link #SWEEPING}. */
  private void sweep() {
    int live = 0;
    Link p = popDeadTop();
    if (p != null && p != FROZEN) {
      live = 1;
      for (Link x = p.next; x != null; x = p.next) {
        if (head == FROZEN) {
          break; // the cancel winner waits for this sweep to let go
        }
        if (x.isDead()) {
          p.next = x.next; // x keeps its own next: a stale reader still gets through
        } else {
          p = x;
          live++;
        }
      }
    }
    int threshold = Math.min(Math.max(live, MIN_SWEEP), MAX_THRESHOLD);
    int v;
    do {
      v = garbage; // SWEEPING plus the garbage counted during the sweep
    } while (!GARBAGE.compareAndSet(this, v, v - SWEEPING + MIN_SWEEP - threshold));
  }

  /** Takes {@link #SWEEPING}, waiting while another thread holds it. */
  private void holdSweep() {
    int spins = 0;
    while (true) {
      int v = garbage;
      if (v < SWEEP_HELD && GARBAGE.compareAndSet(this, v, v + SWEEPING)) {
        return;
      }
      spins = backOff(spins);
    }
  }

  /** Spins briefly, then parks for growing intervals; returns the new spin count. */
  private static int backOff(int spins) {
    if (spins < 200) {
      Thread.onSpinWait();
    } else {
      LockSupport.parkNanos(Math.min(1_000L << Math.min(spins - 200, 7), 100_000L));
    }
    return spins + 1;
  }

  /** Test and diagnostics hook: the live dependents currently linked (a snapshot). */
  final List<Link> dependents() {
    return snapshot(false);
  }

  /** Test hook: every entry still in the stack, dead ones not yet dropped included. */
  final List<Link> heldEntries() {
    return snapshot(true);
  }

  @SuppressWarnings("ReferenceEquality") // the sentinel is compared by identity
  private List<Link> snapshot(boolean withDead) {
    holdSweep();
    try {
      List<Link> out = new ArrayList<>();
      for (Link e = head; e != null && e != FROZEN; e = e.next) {
        if (withDead || !e.isDead()) {
          out.add(e);
        }
      }
      return head == FROZEN ? List.of() : out;
    } finally {
      var unused = GARBAGE.getAndAdd(this, -SWEEPING);
    }
  }

  /**
   * Takes the stack for good; only the thread that won this node's state calls it, once. Once it
   * returns, no other thread writes the taken entries' {@code next}.
   */
  @SuppressWarnings("ReferenceEquality") // the sentinel is compared by identity
  private Link takeDependents() {
    if (head == null) {
      // Nothing to take: a push from now on comes after state was set, and its link() says done
      // (see link). A plain release store is enough; pushes it overwrites are their own owners'.
      HEAD.setRelease(this, FROZEN);
      return null;
    }
    Link h = (Link) HEAD.getAndSet(this, FROZEN);
    int spins = 0;
    while (garbage >= SWEEP_HELD) {
      spins = backOff(spins); // a sweep or snapshot in progress stops at its next step
    }
    return h == FROZEN ? null : h;
  }

  // ---- cancel ------------------------------------------------------------------------------

  @Override
  public final void cancel() {
    cancelWith(new Propagation(ContextCancelledException.SHARED, null));
  }

  @Override
  public final void cancel(Throwable cause) {
    cancelWith(new Propagation(ContextCancelledException.SHARED, cause));
  }

  @Override
  public final void close() {
    cancel();
  }

  @Override
  public final Context readOnly() {
    return new ViewNode(this);
  }

  @Override
  final Node bindable() {
    return new ViewNode(this); // current() is never cancellable (ADR 0081)
  }

  /** Makes this node and its subtree done with {@code p}, unless another cancel got here first. */
  final void cancelWith(Propagation p) {
    if (!STATE.compareAndSet(this, null, p)) {
      state.awaitComplete(); // lost the race: return only once every descendant is done (S5)
      return;
    }
    CancelNode ps = parent.scope();
    if (ps != null) {
      ps.unlink(this); // a long-lived parent forgets cancelled children (S8)
    }
    walk(this, p);
  }

  private static void walk(CancelNode root, Propagation p) {
    List<Propagation> foreign = null;
    TraceWalk chain = Tracing.on ? Tracing.begin(root, p) : null; // tracing: record hops
    CancelNode stack = null; // linked through Link.next: the walk allocates nothing per node
    CancelNode n = root;
    while (n != null) {
      n.onDone();
      if (chain != null) {
        chain.hop(n);
      }
      Link e = n.takeDependents();
      while (e != null) {
        Link next = e.next;
        e.next = null;
        if (e instanceof CancelNode child) {
          if (STATE.compareAndSet(child, null, p)) {
            child.next = stack;
            stack = child;
            if (chain != null) {
              chain.pushedChild();
            }
          } else if (child.state != p && !child.state.isComplete()) {
            // child.state == p: its attach() saw this cancel first and took p itself
            if (foreign == null) {
              foreign = new ArrayList<>(2);
            }
            foreign.add(child.state);
          }
        } else if (!e.isDead()) {
          fireSafely(e, n);
          if (chain != null) {
            chain.fired(e);
          }
        }
        e = next;
      }
      n = stack;
      if (stack != null) {
        stack = (CancelNode) stack.next;
        n.next = null;
      }
    }
    if (foreign != null) {
      for (Propagation f : foreign) {
        f.awaitComplete();
      }
    }
    p.markComplete();
    if (chain != null) {
      chain.end();
    }
  }

  private static void fireSafely(Link e, CancelNode owner) {
    try {
      e.fire(owner);
    } catch (Throwable t) { // one failing dependent never stops the walk (S26)
      Callbacks.reportUncaught(t);
    }
  }

  /** Called once on the walking thread when this node becomes done; timed nodes release timers. */
  void onDone() {
    DoneStage s = stage;
    if (s != null) {
      Callbacks.dispatch(Callbacks.executor(), s::signal);
    }
  }

  // ---- done() ------------------------------------------------------------------------------

  /**
   * The one stage of this node (S22). A stage that existed when the node became done is completed
   * by a task {@link #onDone} hands to the callback executor, and reports complete before that (see
   * {@link DoneStage}); one created after is completed before it is published, so no dependent ever
   * runs on the cancelling thread.
   */
  final CompletionStage<Void> doneStage() {
    DoneStage s = stage;
    if (s != null) {
      return s;
    }
    DoneStage fresh = new DoneStage(this);
    if (state != null) {
      fresh.signal(); // done already: complete before anyone can attach a dependent
    }
    synchronized (this) { // guards the first write of stage only; no user code runs under it
      s = stage;
      if (s == null) {
        stage = s = fresh;
      }
    }
    if (s == fresh && state != null) {
      // A cancel raced with this call: its onDone may have read stage before it was set, so the
      // signal may be this caller's to give. Another thread attaching to this stage in between
      // has not seen it done, and this thread is not the cancelling one (that one is in its walk).
      s.signal();
    }
    return s;
  }
}
