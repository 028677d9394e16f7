package dev.ctx4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Go's {@code cancelCtx}: a cancellation scope.
 *
 * <h2>Algorithm</h2>
 *
 * <p>{@link #state} is the single source of truth (S41): null while live, then the {@link
 * Propagation} of the cancel that won the one compare-and-set. Dependents (child scopes, parked
 * waiters, callbacks, interrupters) sit in an intrusive doubly linked list headed by {@link #head}
 * and guarded by this node's monitor. The list is frozen from the moment {@code state} is set:
 * {@link #link} refuses (the dependent is then told the node is done) and {@link #unlink} leaves it
 * alone, so the winner can walk it without the lock. The monitor is only ever held for a few
 * pointer writes and never around user code.
 *
 * <p>The winner walks the subtree iteratively (no recursion: depth 100,000 is fine), using the
 * {@link Link#next} field of each child as the walk's stack, so cancelling allocates nothing per
 * descendant. For each child it tries the same compare-and-set with the same propagation, so every
 * descendant reports the same err and cause objects. A child that another cancel already won keeps
 * its own (S39), and the walk waits for that other walk to finish before declaring its own
 * complete; a cancel that loses at the top waits the same way. So when {@code cancel()} returns,
 * every descendant is done (S5). These waits cannot cycle: a walk only ever waits for a walk that
 * started strictly inside its own subtree.
 *
 * <p>Waiters are unparked on the walking thread (unpark only schedules them); callbacks, {@code
 * done()} dependents and interrupts are handed to an executor, never run inline.
 */
sealed class CancelNode extends Node implements CancellableContext permits TimerNode {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CancelNode.class, "state", Propagation.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  volatile Propagation state; // null while live; set once by compare-and-set
  private Link head; // guarded by this; frozen once state != null
  private final Deadline deadline; // the nearest deadline toward the root, or null
  private volatile DoneStage stage; // created by the first done() call

  CancelNode(Node parent, Deadline deadline) {
    super(parent);
    this.deadline = deadline;
  }

  /** withCancel: a child scope registered with the parent's scope, or born done (S7, S25). */
  static CancelNode childOf(Node parent) {
    parent.expireOverdueDeadline();
    CancelNode child = new CancelNode(parent, parent.deadlineOrNull());
    child.attach();
    return Tracing.created(child);
  }

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
    return state != null;
  }

  // ---- the dependents list -----------------------------------------------------------------

  /** Links {@code e}; returns false (linking nothing) if this node is already done. */
  final boolean link(Link e) {
    synchronized (this) {
      if (state != null) {
        return false;
      }
      Link h = head;
      e.prev = null;
      e.next = h;
      if (h != null) {
        h.prev = e;
      }
      head = e;
      return true;
    }
  }

  /** Unlinks {@code e} if it is linked and this node is live; O(1). */
  @SuppressWarnings("ReferenceEquality") // list membership is identity
  final void unlink(Link e) {
    if (state != null) {
      return; // fast path: frozen lists are never edited, so done needs no lock (N waiters waking)
    }
    synchronized (this) {
      if (state != null) {
        return; // frozen: the winning canceller owns the list now
      }
      Link p = e.prev;
      Link n = e.next;
      if (p != null) {
        p.next = n;
      } else if (head == e) {
        head = n;
      } else {
        return; // not linked
      }
      if (n != null) {
        n.prev = p;
      }
      e.prev = null;
      e.next = null;
    }
  }

  /** Test and diagnostics hook: the dependents currently linked (a snapshot). */
  final synchronized List<Link> dependents() {
    List<Link> out = new ArrayList<>();
    for (Link e = head; e != null; e = e.next) {
      out.add(e);
    }
    return out;
  }

  /** Takes the frozen list; only the thread that won this node's state calls it, once. */
  private Link takeDependents() {
    synchronized (this) {
      Link h = head;
      head = null;
      return h;
    }
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
    Tracing.Chain chain = Tracing.on ? Tracing.begin(root, p) : null; // tracing: record hops
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
        e.prev = null;
        e.next = null;
        if (e instanceof CancelNode child) {
          if (STATE.compareAndSet(child, null, p)) {
            child.next = stack;
            stack = child;
          } else {
            if (foreign == null) {
              foreign = new ArrayList<>(2);
            }
            foreign.add(child.state);
          }
        } else {
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
      Tracing.end(chain);
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

  final CompletionStage<Void> doneStage() {
    DoneStage s = stage;
    if (s == null) {
      DoneStage fresh = new DoneStage();
      synchronized (this) {
        s = stage;
        if (s == null) {
          stage = s = fresh;
        }
      }
    }
    if (state != null && !s.isDone()) {
      s.signal(); // seen done: the stage must be complete now (S41), not when the walk gets to it
    }
    return s;
  }
}
