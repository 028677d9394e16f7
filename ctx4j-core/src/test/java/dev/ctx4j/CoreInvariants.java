package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks after every test what a test must never leave behind: a context still bound on the test
 * thread, a swapped clock or callback executor, or a timer armed during the test and not released.
 * On failure it also repairs the state, so one broken test does not fail the ones after it.
 */
final class CoreInvariants implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(CoreInvariants.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("pending", Timers.get().pending());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Context bound = Context.current();
    Timers timers = Timers.get();
    Executor callbacks = Callbacks.executor();
    int before = context.getStore(NS).get("pending", Integer.class);
    int after = timers.pending();
    // Repair first, then report.
    Timers.install(SystemTimers.INSTANCE);
    Callbacks.install(Callbacks.VIRTUAL);
    assertAll(
        () -> assertSame(Context.background(), bound, "Context.current() after the test"),
        () -> assertSame(SystemTimers.INSTANCE, timers, "the test left its clock installed"),
        () -> assertSame(Callbacks.VIRTUAL, callbacks, "the test left its executor installed"),
        () ->
            assertTrue(
                after <= before,
                "the test left " + (after - before) + " timer(s) armed (" + before + " before)"));
  }
}
