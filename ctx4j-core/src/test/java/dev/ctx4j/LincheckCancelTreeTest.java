package dev.ctx4j;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model checking (Lincheck): cancelling a parent, racing with creating children under it and with
 * cancelling a child with its own cause. Every interleaving explored must be linearizable (a new
 * child is born done exactly when the parent's cancel came first), end (no deadlock or livelock in
 * the walk's waits) and leave the tree consistent: every descendant of a done node is done with the
 * same err and cause objects (S5, S38, S39), and no done child stays registered (S8, S25).
 *
 * <p>Run: {@code mvn -B -ntp -pl ctx4j-core verify -Dtest=LincheckCancelTreeTest} (add {@code
 * -Dctx4j.lincheck.deep=true} for the deep profile).
 */
@ExtendWith(CoreInvariants.class)
public class LincheckCancelTreeTest {
  private static final Key<Integer> KEY = Key.named("k");
  private final RuntimeException x = new RuntimeException("x");
  private final RuntimeException y = new RuntimeException("y");
  private final CancellableContext parent = Context.background().withCancel();
  private final CancellableContext child = parent.withCancel();
  private final ConcurrentLinkedQueue<Context> children = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Context> grandchildren = new ConcurrentLinkedQueue<>();

  @Operation
  public void cancelParent() {
    parent.cancel(x);
  }

  /**
   * Returns nothing on purpose: as in Go, the parent's cancel is atomic per node, not per subtree.
   * Between the parent becoming done and its walk reaching this child, the child is still live and
   * its own cancel may win (S39), so "the child's cause is y" is not linearizable against the
   * parent's cancel; the validation checks the outcome instead.
   */
  @Operation
  public void cancelChild() {
    child.cancel(y);
  }

  /** True if the new child is born done. */
  @Operation
  public boolean newChild() {
    Context c = parent.withCancel();
    children.add(c);
    return c.isDone();
  }

  /** A grandchild through a value link (void for the reason given at {@link #cancelChild}). */
  @Operation
  public void newGrandchild() {
    grandchildren.add(child.withValue(KEY, 1).withCancel());
  }

  @Validate
  public void treeIsConsistent() {
    if (parent.isDone()) {
      check(parent.cause() == x, "parent cause");
      check(Trees.dependents(parent).isEmpty(), "a done parent holds nothing");
      check(child.isDone(), "S5: child of a done parent");
      for (Context c : children) {
        check(c.err() == parent.err() && c.cause() == x, "S5/S38: same err and cause objects");
      }
    } else {
      List<Link> held = Trees.dependents(parent);
      for (Context c : children) {
        check(!c.isDone() && held.contains((Link) c), "live child registered");
      }
      check(held.contains((Link) child) != child.isDone(), "S8: cancelled child forgotten");
      check(held.size() == children.size() + (child.isDone() ? 0 : 1), "nothing else held");
    }
    if (child.isDone()) {
      check(child.cause() == x || child.cause() == y, "child cause");
      check(Trees.dependents(child).isEmpty(), "a done child holds nothing");
      for (Context g : grandchildren) {
        check(g.isDone() && g.cause() == child.cause(), "S38/S39: grandchild follows child");
      }
    } else {
      for (Context g : grandchildren) {
        check(!g.isDone(), "grandchild of live child is live");
      }
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  @Test
  void modelCheck_cancelVsChildCreationVsChildCancel() {
    Callbacks.install(Runnable::run); // no thread is started inside the model checker
    try {
      LinChecker.check(LincheckCancelTreeTest.class, LincheckSupport.options(3, 1));
    } finally {
      Callbacks.install(Callbacks.VIRTUAL);
    }
  }
}
