package dev.ctx4j.junit;

import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.LeakDetector;
import dev.ctx4j.observe.Render;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Go's {@code goleak}, for contexts: after each test, fails it if a cancellable context created
 * during the test is still live (never cancelled, not expired), or if one became unreachable
 * without being cancelled, printing the leaked subtree with creation sites and the threads still
 * parked on it. Use with {@code @ExtendWith(ContextLeakCheck.class)}; opt a test (or a class) out
 * with {@link AllowContextLeaks}.
 *
 * <p>Turns tracing on with every creation site recorded. Contexts the test hands to work that ends
 * shortly after it are given a moment (up to 200 ms) to end. Tests run in parallel in the same JVM
 * may see each other's contexts: use it with sequential execution.
 */
public final class ContextLeakCheck implements BeforeEachCallback, AfterEachCallback {
  static final long GRACE_NANOS = 200_000_000L;

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ContextLeakCheck.class);

  /** Used by JUnit. */
  public ContextLeakCheck() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    ContextTree.enable();
    ContextTree.allSites(true);
    context.getStore(NS).put("mark", ContextTree.mark());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Long mark = context.getStore(NS).remove("mark", Long.class);
    if (mark == null || allowed(context)) {
      return;
    }
    String leaks = leaksSince(mark);
    if (leaks == null) {
      return;
    }
    StringBuilder msg = new StringBuilder("ctx4j: the test leaked contexts").append(leaks);
    msg.append("\ncancel each context (try-with-resources), or mark the test @AllowContextLeaks");
    throw new AssertionError(msg.toString());
  }

  /**
   * The cancellable contexts created since {@code mark} that are still live after a grace of up to
   * {@link #GRACE_NANOS} (with the threads parked on them), and those that became unreachable
   * without a cancel, described; null if there are none. Needs {@link ContextTree#enable()} with
   * every site recorded.
   */
  static String leaksSince(long mark) {
    ContextTree.Snapshot live = ContextTree.liveSince(mark);
    long end = System.nanoTime() + GRACE_NANOS;
    long pause = 1_000_000L;
    while (hasCancellable(live) && System.nanoTime() - end < 0) {
      LockSupport.parkNanos(pause); // work the test started may still be ending
      pause = Math.min(pause * 2, 50_000_000L);
      live = ContextTree.liveSince(mark);
    }
    List<LeakDetector.Report> lost =
        LeakDetector.recent().stream().filter(r -> r.id() > mark).toList();
    if (!hasCancellable(live) && lost.isEmpty()) {
      return null;
    }
    StringBuilder msg = new StringBuilder();
    if (hasCancellable(live)) {
      msg.append("; still live (never cancelled):\n").append(treeOnly(live));
    }
    for (LeakDetector.Report r : lost) {
      msg.append("\nnever cancelled, now unreachable: ").append(r.context());
      msg.append(" created at ").append(r.site().isEmpty() ? "an unknown site" : r.site());
    }
    return msg.toString();
  }

  private static boolean allowed(ExtensionContext context) {
    return context
            .getTestMethod()
            .map(m -> AnnotationSupport.isAnnotated(m, AllowContextLeaks.class))
            .orElse(false)
        || context
            .getTestClass()
            .map(c -> AnnotationSupport.isAnnotated(c, AllowContextLeaks.class))
            .orElse(false);
  }

  /** A value or detached context alone is not a leak; a live cancellable one is. */
  private static boolean hasCancellable(ContextTree.Snapshot s) {
    for (ContextTree.Node root : s.roots()) {
      if (anyCancellable(root.children())) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyCancellable(List<ContextTree.Node> nodes) {
    for (ContextTree.Node n : nodes) {
      String seg = n.segment();
      boolean cancellable =
          seg.equals("withCancel")
              || seg.startsWith("withTimeout(")
              || seg.startsWith("withDeadline(");
      if (cancellable || anyCancellable(n.children())) {
        return true;
      }
    }
    return false;
  }

  private static String treeOnly(ContextTree.Snapshot s) {
    String text = Render.text(s);
    int cut = text.indexOf("\nchains, most recent first:");
    return cut < 0 ? text : text.substring(0, cut + 1);
  }
}
