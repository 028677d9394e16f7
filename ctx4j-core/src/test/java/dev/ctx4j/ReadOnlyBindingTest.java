package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S30, ADR 0081: {@link Context#current()} is never a {@link CancellableContext}, whichever entry
 * point bound it, and no context core hands to code it calls can be cast and cancelled. What code
 * sees is a view of the same context: same name, values, deadline and done-ness.
 */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadOnlyBindingTest {
  private static final Key<String> KEY = Key.named("k");

  /** {@code seen} cannot be cast to cancel {@code owner}, and shows exactly {@code owner}. */
  private static void assertReadOnlyViewOf(CancellableContext owner, Context seen, String where) {
    assertFalse(seen instanceof CancellableContext, where + ": " + seen.getClass());
    assertThrows(
        ClassCastException.class, () -> ((CancellableContext) seen).cancel(), where + ": cast");
    assertTrue(Trees.shows(seen, owner), where + ": a view of the owner");
    assertFalse(owner.isDone(), where + ": nothing cancelled the owner");
    assertEquals(owner.toString(), seen.toString(), where + ": same name");
  }

  @Test
  void s30_runCallCallInterruptiblyAndWrap_bindAReadOnlyViewOfACancellableContext()
      throws Exception {
    try (CancellableContext owner = Context.background().withValue(KEY, "v").withCancel()) {
      Map<String, Context> seen = new java.util.LinkedHashMap<>();
      owner.run(() -> seen.put("run", Context.current()));
      seen.put("call", owner.call(Context::current));
      seen.put("callInterruptibly", owner.callInterruptibly(Context::current));
      AtomicReference<Context> wrapped = new AtomicReference<>();
      owner.wrap(() -> wrapped.set(Context.current())).run();
      seen.put("wrap(Runnable)", wrapped.get());
      seen.put("wrap(Callable)", owner.wrap((Callable<Context>) Context::current).call());
      for (var e : seen.entrySet()) {
        assertReadOnlyViewOf(owner, e.getValue(), e.getKey());
        assertEquals("v", e.getValue().value(KEY), e.getKey());
      }
      Context view = seen.get("run");
      Context grandchild = view.withCancel();
      owner.cancel(new IllegalStateException("owner's own cancel"));
      assertTrue(view.isDone(), "the view ends with its owner");
      assertSame(owner.cause(), view.cause());
      assertTrue(grandchild.isDone(), "children of the view are the owner's");
    }
  }

  @Test
  void s30_nonCancellableContextsAreBoundAsThemselves() throws Exception {
    Context values = Context.background().withValue(KEY, "v");
    assertSame(values, values.call(Context::current));
    Context view = Context.background().withCancel().readOnly();
    assertSame(view, view.call(Context::current));
  }

  @Test
  void contextExecutors_carryAReadOnlyView() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (CancellableContext owner = Context.background().withCancel()) {
      ExecutorService wrapped = ContextExecutors.wrap(pool);
      ScheduledExecutorService wrappedScheduler = ContextExecutors.wrap(scheduler);
      CompletableFuture<Context> fromExecute = new CompletableFuture<>();
      List<Context> seen = new ArrayList<>();
      owner.run(() -> wrapped.execute(() -> fromExecute.complete(Context.current())));
      seen.add(fromExecute.get(10, TimeUnit.SECONDS));
      seen.add(owner.call(() -> wrapped.submit(Context::current)).get(10, TimeUnit.SECONDS));
      seen.add(
          owner
              .call(() -> wrapped.invokeAll(List.<Callable<Context>>of(Context::current)))
              .get(0)
              .get(10, TimeUnit.SECONDS));
      seen.add(
          owner
              .call(() -> wrappedScheduler.schedule(Context::current, 1, TimeUnit.MILLISECONDS))
              .get(10, TimeUnit.SECONDS));
      for (Context c : seen) {
        assertReadOnlyViewOf(owner, c, "executor task");
      }
    } finally {
      pool.shutdownNow();
      scheduler.shutdownNow();
    }
  }

  @Test
  void taskGroup_taskParameterCurrentAndContextAreReadOnly() throws Exception {
    try (CancellableContext parent = Context.background().withCancel();
        TaskGroup group = TaskGroup.open(parent)) {
      Context groupContext = group.context();
      assertFalse(groupContext instanceof CancellableContext, groupContext.getClass().toString());
      assertThrows(ClassCastException.class, () -> ((CancellableContext) groupContext).cancel());
      var task = group.fork(ctx -> List.of(ctx, Context.current()));
      group.join(); // cancels the group's context, as Go does: check the views before that
      List<Context> seen = task.get();
      for (Context c : seen) {
        assertFalse(c instanceof CancellableContext, c.getClass().toString());
        assertSame(groupContext, c, "the task gets the group's context itself");
      }
      assertFalse(parent.isDone(), "the task could not reach the parent");
    }
  }
}
