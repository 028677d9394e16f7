package dev.ctx4j;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The base of ctx4j's hidden node types, as in Go's package: {@link RootNode} (background, todo),
 * {@link CancelNode} (withCancel), {@link TimerNode} (withTimeout, withDeadline), {@link ValueNode}
 * and {@link DetachedNode} (withoutCancel).
 *
 * <p>Every node knows its {@link #scope()}: the nearest {@link CancelNode} on the path to the root
 * (itself for a cancel node), or null when no ancestor can ever be done. Done-ness, err, cause,
 * waiting and callbacks all go through the scope; values and names go through {@link #parent}.
 */
abstract sealed class Node extends Link implements Context
    permits RootNode, CancelNode, ValueNode, DetachedNode, ViewNode {
  /** The context this one was derived from; null only for roots. */
  final Node parent;

  Node(Node parent) {
    this.parent = parent;
  }

  /** The nearest cancel scope on the path to the root (this, for a cancel node), or null. */
  abstract CancelNode scope();

  /** The earliest deadline on the path to the root, or null. */
  abstract Deadline deadlineOrNull();

  /** This node's segment of {@link #toString()}, e.g. {@code withTimeout(1.5s)}; null for none. */
  abstract String segment();

  /**
   * True if this context can never end: no cancel scope on its path to the root (background, todo,
   * withoutCancel, and value chains over them). Integrations read it through {@code
   * dev.ctx4j.internal.InternalContexts}.
   */
  final boolean neverEnds() {
    return scope() == null;
  }

  /** The state of the scope: null while live, else the propagation that ended it. */
  final Propagation doneState() {
    CancelNode s = scope();
    return s == null ? null : s.state;
  }

  @Override
  void fire(CancelNode owner) {
    throw new AssertionError("only cancel nodes are linked"); // overridden by CancelNode
  }

  /** {@link #isDone()} for core's own reads: not a cancellation point (see {@link Sweeps}). */
  final boolean ended() {
    return doneState() != null;
  }

  @Override
  public boolean isDone() {
    if (Sweeps.on) {
      Sweeps.point(this, "isDone");
    }
    return doneState() != null;
  }

  @Override
  public final ContextException err() {
    if (Sweeps.on) {
      Sweeps.point(this, "err");
    }
    Propagation p = doneState();
    return p == null ? null : p.err;
  }

  @Override
  public final Throwable cause() {
    Propagation p = doneState();
    return p == null ? null : p.cause;
  }

  @Override
  public final Optional<Deadline> deadline() {
    return Optional.ofNullable(deadlineOrNull());
  }

  @Override
  public final <T> T value(Key<T> key) {
    Objects.requireNonNull(key, "key");
    for (Node n = this; n != null; n = n.parent) {
      if (n instanceof ValueNode v) {
        @SuppressWarnings("unchecked") // withValue(Key<T>, T) bound it
        T value = (T) v.find(key); // the nearest value node answers for its whole path
        return value;
      }
    }
    return null;
  }

  // ---- derivation --------------------------------------------------------------------------

  @Override
  public final CancellableContext withCancel() {
    return CancelNode.childOf(this);
  }

  @Override
  public final CancellableContext withDeadline(Instant deadline) {
    return withDeadline(deadline, null);
  }

  @Override
  public final CancellableContext withDeadline(Instant deadline, Throwable cause) {
    Objects.requireNonNull(deadline, "deadline");
    Instant now = Instant.now();
    long offset = Deadline.clampedNanos(durationBetween(now, deadline));
    return TimerNode.childOf(this, offset, deadline, cause);
  }

  @Override
  public final CancellableContext withTimeout(Duration timeout) {
    return withTimeout(timeout, null);
  }

  @Override
  public final CancellableContext withTimeout(Duration timeout, Throwable cause) {
    Objects.requireNonNull(timeout, "timeout");
    return TimerNode.childOf(this, Deadline.clampedNanos(timeout), timeout, cause);
  }

  @Override
  public final <T> Context withValue(Key<T> key, T value) {
    Objects.requireNonNull(key, "key");
    return new ValueNode(this, key, value); // not traced: see Tracing
  }

  @Override
  public final Context withoutCancel() {
    return new DetachedNode(this); // not traced: see Tracing
  }

  /** {@code Duration.between}, saturating instead of overflowing for instants far apart. */
  private static Duration durationBetween(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond(); // cannot overflow: |epoch| < 2^55
    return Duration.ofSeconds(seconds, (long) to.getNano() - from.getNano());
  }

  /**
   * Before a child is derived: a deadline that has passed but whose timer has not fired yet is
   * expired now, by its owner, as its timer would have done (S37).
   */
  @SuppressWarnings("ReferenceEquality") // the owner is the node holding this very object
  final void expireOverdueDeadline() {
    Deadline d = deadlineOrNull();
    if (d == null || !d.isExpired() || ended()) {
      return;
    }
    for (Node n = this; n != null; n = n.parent) {
      if (n instanceof TimerNode t && t.ownDeadline == d) {
        t.expire();
        return;
      }
    }
  }

  // ---- callbacks ---------------------------------------------------------------------------

  @Override
  public final Registration afterDone(Runnable fn) {
    Objects.requireNonNull(fn, "fn");
    return afterDone(fn, Callbacks.executor());
  }

  @Override
  public final Registration afterDone(Runnable fn, Executor executor) {
    Objects.requireNonNull(fn, "fn");
    Objects.requireNonNull(executor, "executor");
    CancelNode s = scope();
    if (s == null) {
      return new AfterDone.Never(); // can never be done: hold nothing
    }
    AfterDone entry = new AfterDone(fn, executor);
    if (!s.link(entry)) {
      entry.fire(s); // already done: start at once, on the executor
    }
    return entry.registration(s);
  }

  @Override
  public CompletionStage<Void> done() {
    if (Sweeps.on) {
      Sweeps.point(this, "done");
    }
    CancelNode s = scope();
    return s == null ? new DoneStage(null) : s.doneStage(); // never done: a stage of its own
  }

  // ---- waiting -----------------------------------------------------------------------------

  @Override
  public final void await() throws InterruptedException {
    if (Sweeps.on) {
      Sweeps.point(this, "await");
    }
    awaitNanos(Long.MAX_VALUE, false);
  }

  @Override
  public final boolean await(Duration max) throws InterruptedException {
    Objects.requireNonNull(max, "max");
    if (Sweeps.on) {
      Sweeps.point(this, "await");
    }
    return awaitNanos(Deadline.clampedNanos(max), true);
  }

  /**
   * Parks this thread until done, or until {@code nanos} pass if {@code timed}. Returns whether
   * done. Checks a pending interrupt first (as {@code CountDownLatch.await} does).
   */
  final boolean awaitNanos(long nanos, boolean timed) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (ended()) {
      return true;
    }
    if (timed && nanos <= 0) {
      return false;
    }
    CancelNode s = scope();
    Waiter waiter = s == null ? null : new Waiter(Thread.currentThread());
    if (waiter != null && !s.link(waiter)) {
      return true;
    }
    long end = System.nanoTime() + nanos;
    long traced = Tracing.on ? System.nanoTime() : 0L; // tracing: report a long await
    try {
      while (!ended()) {
        if (timed) {
          long left = end - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          LockSupport.parkNanos(this, left);
        } else {
          LockSupport.park(this);
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return true;
    } finally {
      if (waiter != null) {
        if (s.state == null) {
          waiter.clear(); // dead first, so the scope's sweeper may drop it wherever it sits
        } // else the stack is (being) frozen: nothing to sweep, and no fence on the wake path
        s.unlink(waiter);
      }
      if (traced != 0L) {
        Tracing.awaited(this, traced, ended());
      }
    }
  }

  @Override
  public final void throwIfDone() {
    if (Sweeps.on) {
      Sweeps.point(this, "throwIfDone");
    }
    throwIfEnded();
  }

  /** {@link #throwIfDone()} for core's own checks: not a cancellation point. */
  final void throwIfEnded() {
    Propagation p = doneState();
    if (p != null) {
      throw p.fresh();
    }
  }

  @Override
  public final void sleep(Duration d) throws InterruptedException {
    Objects.requireNonNull(d, "d");
    if (Sweeps.on) {
      Sweeps.point(this, "sleep");
    }
    throwIfEnded();
    if (awaitNanos(Deadline.clampedNanos(d), true)) {
      throwIfEnded();
    }
  }

  @Override
  public final <T> T get(Future<T> f) throws ExecutionException, InterruptedException {
    Objects.requireNonNull(f, "f");
    if (Sweeps.on) {
      Sweeps.point(this, "get");
    }
    if (f.isDone()) {
      return f.get(); // finished work is never thrown away, even on a done context (S29)
    }
    throwIfEnded();
    CancelNode s = scope();
    if (s == null) {
      return f.get();
    }
    return FutureWait.get(this, s, f);
  }

  // ---- binding -----------------------------------------------------------------------------

  /**
   * What {@code run}, {@code call} and {@code callInterruptibly} bind as {@link Context#current()}:
   * this node, or a read-only view of a cancellable one, so that no code can cast {@code current()}
   * to {@link CancellableContext} and end a context it does not own (ADR 0081).
   */
  Node bindable() {
    return this;
  }

  @Override
  public final void run(Runnable task) {
    Objects.requireNonNull(task, "task");
    CurrentContext.run(bindable(), task);
  }

  @Override
  public final <T> T call(Callable<T> task) throws Exception {
    Objects.requireNonNull(task, "task");
    return CurrentContext.call(bindable(), task);
  }

  @Override
  public final <T> T callInterruptibly(Callable<T> task) throws Exception {
    Objects.requireNonNull(task, "task");
    if (Sweeps.on) {
      Sweeps.point(this, "callInterruptibly");
    }
    throwIfEnded();
    return interruptibly(task, false);
  }

  /**
   * {@link #callInterruptibly}'s body. On a context that is already done, {@code task} runs only if
   * {@code evenIfDone}, and then on a thread interrupted from its first instruction, as if the
   * cancel had reached it at once ({@link TaskGroup}: every accepted task runs, S40).
   */
  final <T> T interruptibly(Callable<T> task, boolean evenIfDone) throws Exception {
    CancelNode s = scope();
    if (s == null) {
      return call(task);
    }
    Interrupter interrupter = new Interrupter(Thread.currentThread());
    if (!s.link(interrupter)) {
      if (!evenIfDone) {
        interrupter.finish(); // the cancel may have taken it too: it must not interrupt us now
        throw doneState().fresh();
      }
      interrupter.interrupt(s); // here, now; a late copy from the cancel's walk finds it fired
    }
    try {
      return CurrentContext.call(bindable(), task);
    } catch (Exception | Error e) {
      if (interrupter.fired()) {
        ContextException ce = doneState().fresh();
        ce.addSuppressed(e);
        throw ce;
      }
      throw e;
    } finally {
      interrupter.finish(); // dead first, so the scope's sweeper may drop it wherever it sits
      s.unlink(interrupter);
    }
  }

  // ---- naming ------------------------------------------------------------------------------

  /** The derivation path from the root, e.g. {@code Context.background.withCancel.withValue(k)}. */
  @Override
  public String toString() {
    ArrayList<String> segments = new ArrayList<>();
    for (Node n = this; n != null; n = n.parent) {
      String segment = n.segment();
      if (segment != null) {
        segments.add(segment);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = segments.size() - 1; i >= 0; i--) {
      sb.append(segments.get(i));
      if (i > 0) {
        sb.append('.');
      }
    }
    return sb.toString();
  }
}
