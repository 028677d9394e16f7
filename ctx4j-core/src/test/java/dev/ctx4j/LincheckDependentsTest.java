package dev.ctx4j;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck) of the lock-free dependents stack itself: pushes (new children, a
 * callback), pops from the top (a child created and cancelled at once), removals from the middle
 * that start a sweep, and the parent's cancel freezing the stack, all racing. The parent starts
 * with {@value CancelNode#MIN_SWEEP} - 1 dead entries already counted under a live one, so the
 * first removal from the middle sweeps while the other threads push, pop and freeze; {@code
 * cancelOldest} is a child cancelled concurrently with its parent.
 *
 * <p>In every interleaving: a new child is born done exactly when the parent's cancel came first
 * (linearizable); a done parent holds nothing and every child is done with the parent's cause
 * unless its own cancel came first (S5, S38, S39); a live parent holds exactly its live dependents,
 * each once, and no more dead ones than a sweep tolerates (S8, S25); the callback runs once if the
 * parent is done and it was not stopped, never otherwise (S18).
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckDependentsTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
public class LincheckDependentsTest {
  private final RuntimeException x = new RuntimeException("x");
  private final RuntimeException y = new RuntimeException("y");
  private final CancellableContext parent = Context.background().withCancel();
  private final CancellableContext oldest = parent.withCancel();
  private final CancellableContext keeper;
  private final AtomicInteger runs = new AtomicInteger();
  private final Registration registration;
  private volatile boolean stopped;
  private final ConcurrentLinkedQueue<Context> children = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Context> cancelledChildren = new ConcurrentLinkedQueue<>();

  public LincheckDependentsTest() {
    CancellableContext[] dead = new CancellableContext[CancelNode.MIN_SWEEP - 1];
    for (int i = 0; i < dead.length; i++) {
      dead[i] = parent.withCancel();
    }
    keeper = parent.withCancel();
    for (CancellableContext d : dead) {
      d.cancel(); // under keeper: counted as garbage, left in place
    }
    registration = parent.afterDone(runs::incrementAndGet);
  }

  @Operation
  public void cancelParent() {
    parent.cancel(x);
  }

  /** Removal from the middle: starts a sweep (void: the child may win against the parent). */
  @Operation
  public void cancelOldest() {
    oldest.cancel(y);
  }

  @Operation
  public void cancelKeeper() {
    keeper.cancel(y);
  }

  /** True if the new child is born done. */
  @Operation
  public boolean newChild() {
    Context c = parent.withCancel();
    children.add(c);
    return c.isDone();
  }

  /** Push, then pop from the top (or count garbage when another push got above it). */
  @Operation
  public void newChildAndCancel() {
    CancellableContext c = parent.withCancel();
    c.cancel(y);
    cancelledChildren.add(c);
  }

  @Operation
  public void stop() {
    if (registration.stop()) {
      stopped = true;
    }
  }

  @Validate
  public void stackIsConsistent() {
    CancelNode p = (CancelNode) parent;
    check(runs.get() == (parent.isDone() && !stopped ? 1 : 0), "callback ran " + runs.get());
    for (Context c : cancelledChildren) {
      check(c.isDone(), "a cancelled child is done");
    }
    if (parent.isDone()) {
      check(parent.cause() == x, "parent cause");
      check(p.heldEntries().isEmpty(), "a done parent holds nothing");
      for (Context c : children) {
        check(c.isDone() && c.cause() == x, "S5/S38: child follows the parent");
      }
      check(oldest.isDone() && keeper.isDone(), "S5: old children done");
      check(oldest.cause() == x || oldest.cause() == y, "S39: oldest cause");
    } else {
      Set<Link> expected = new HashSet<>();
      for (Context c : children) {
        check(!c.isDone(), "a child of a live parent is live");
        expected.add((Link) c);
      }
      for (Context c : List.of(oldest, keeper)) {
        check(!c.isDone() || c.cause() == y, "only its own cancel ends it");
        if (!c.isDone()) {
          expected.add((Link) c);
        }
      }
      if (!stopped) {
        check(runs.get() == 0, "callback of a live parent");
      }
      List<Link> held = p.dependents();
      check(held.size() == new HashSet<>(held).size(), "no entry held twice");
      Set<Link> heldLive = new HashSet<>(held);
      heldLive.removeIf(l -> l instanceof AfterDone);
      check(heldLive.equals(expected), "S8/S25: exactly the live children held");
      check(held.size() == expected.size() + (stopped ? 0 : 1), "the callback held until stopped");
      check(
          p.heldEntries().size() <= expected.size() + 1 + 2 * CancelNode.MIN_SWEEP,
          "dead entries bounded: " + p.heldEntries().size());
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_pushPopSweepAndFreezeRace() {
    Callbacks.install(Runnable::run); // no thread is started inside the model checker
    try {
      LinChecker.check(LincheckDependentsTest.class, LincheckSupport.options(3, 2));
    } finally {
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }
}
