package dev.ctx4j.junit;

import dev.ctx4j.observe.BrokenChains;
import dev.ctx4j.observe.ContextTree;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test in which code derived a context from {@code Context.background()} or {@code
 * Context.todo()} while another live context was current (a broken chain: the current context's
 * cancel and deadline never reach the new one), naming both sites. Use with
 * {@code @ExtendWith(BrokenChainCheck.class)}; code that means its fresh roots is marked {@link
 * dev.ctx4j.IntentionalRoot} and is not reported.
 *
 * <p>Turns tracing on with every creation site recorded (so the current context's site is known).
 * Tests run in parallel in the same JVM may see each other's reports: use it with sequential
 * execution.
 */
public final class BrokenChainCheck implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(BrokenChainCheck.class);

  /** Used by JUnit. */
  public BrokenChainCheck() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    ContextTree.enable();
    ContextTree.allSites(true);
    context.getStore(NS).put("mark", BrokenChains.count());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Long mark = context.getStore(NS).remove("mark", Long.class);
    if (mark == null) {
      return;
    }
    List<BrokenChains.Report> found =
        BrokenChains.recent().stream().filter(r -> r.seq() > mark).toList().reversed();
    if (found.isEmpty()) {
      return;
    }
    StringBuilder msg = new StringBuilder("ctx4j: the test broke the context chain");
    for (BrokenChains.Report r : found) {
      msg.append("\n").append(r);
    }
    throw new AssertionError(msg.toString());
  }
}
