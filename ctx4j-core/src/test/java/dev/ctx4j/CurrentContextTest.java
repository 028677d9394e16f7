package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * S30 for whichever {@link CurrentContext} the JVM loaded. Surefire runs it on {@code
 * target/classes} (the ThreadLocal base class); failsafe runs it again on the packaged
 * multi-release jar, where Java 25+ loads the ScopedValue class from {@code META-INF/versions/25}
 * (ADR 0010). {@link #storage_isTheOneThisRuntimeAndPackagingSelect} proves which one ran.
 */
class CurrentContextTest {

  @AfterEach
  void nothingLeftBound() {
    assertSame(Context.background(), Context.current(), "a test left a binding on this thread");
  }

  @Test
  void storage_isTheOneThisRuntimeAndPackagingSelect() throws Exception {
    String mainFrom = System.getProperty("ctx4j.test.mainFrom", "directory");
    String location =
        CurrentContext.class.getProtectionDomain().getCodeSource().getLocation().toString();
    String expected;
    if (mainFrom.equals("jar")) {
      assertTrue(location.endsWith(".jar"), "failsafe must load ctx4j from the jar: " + location);
      expected = Runtime.version().feature() >= 25 ? "ScopedValue" : "ThreadLocal";
    } else {
      assertTrue(location.endsWith("/classes/"), "surefire loads target/classes: " + location);
      expected = "ThreadLocal"; // a directory is never multi-release
    }
    assertEquals(expected, CurrentContext.storage(), "loaded from " + location);
  }

  @Test
  void s30_outsideAnyRun_currentIsBackground() {
    assertSame(Context.background(), Context.current());
  }

  @Test
  void s30_insideRun_currentIsThatContext() {
    Context ctx = Context.background().withValue(Key.named("k"), "v");
    AtomicReference<Context> seen = new AtomicReference<>();
    ctx.run(() -> seen.set(Context.current()));
    assertSame(ctx, seen.get());
  }

  @Test
  void s30_nestedRuns_restoreOuterBindingOnNormalExit() {
    Context outer = Context.background().withValue(Key.named("outer"), 1);
    Context inner = outer.withValue(Key.named("inner"), 2);
    List<Context> seen = new ArrayList<>();
    outer.run(
        () -> {
          seen.add(Context.current());
          inner.run(() -> seen.add(Context.current()));
          seen.add(Context.current());
        });
    assertEquals(List.of(outer, inner, outer), seen);
  }

  @Test
  void s30_nestedRuns_restoreOuterBindingOnException() {
    Context outer = Context.background().withValue(Key.named("outer"), 1);
    Context inner = outer.withValue(Key.named("inner"), 2);
    AtomicReference<Context> afterThrow = new AtomicReference<>();
    outer.run(
        () -> {
          assertThrows(
              IllegalStateException.class,
              () ->
                  inner.run(
                      () -> {
                        throw new IllegalStateException("boom");
                      }));
          afterThrow.set(Context.current());
        });
    assertSame(outer, afterThrow.get());
  }

  @Test
  void s30_call_bindsReturnsValueAndRestoresAfterCheckedException() throws Exception {
    Context ctx = Context.background().withValue(Key.named("k"), "v");
    assertSame(ctx, ctx.call(Context::current));
    assertThrows(
        java.io.IOException.class,
        () ->
            ctx.call(
                () -> {
                  throw new java.io.IOException("io");
                }));
    assertSame(Context.background(), Context.current());
  }

  @Test
  void s30_callInterruptibly_bindsAndRestores() throws Exception {
    try (CancellableContext ctx = Context.background().withCancel()) {
      assertTrue(Trees.shows(ctx.callInterruptibly(Context::current), ctx));
    }
  }

  @Test
  void s30_bindingDoesNotLeakToThreadsStartedInsideRun() throws Exception {
    Context ctx = Context.background().withValue(Key.named("k"), "v");
    AtomicReference<Context> platform = new AtomicReference<>();
    AtomicReference<Context> virtual = new AtomicReference<>();
    ctx.call(
        () -> {
          Thread p = Thread.ofPlatform().start(() -> platform.set(Context.current()));
          Thread v = Thread.ofVirtual().start(() -> virtual.set(Context.current()));
          p.join();
          v.join();
          return null;
        });
    assertSame(Context.background(), platform.get());
    assertSame(Context.background(), virtual.get());
  }

  @Test
  void s30_pooledThread_afterRunEnds_seesBackground() throws Exception {
    Context ctx = Context.background().withValue(Key.named("k"), "v");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Context> during = pool.submit(() -> ctx.call(Context::current));
      Future<?> failing =
          pool.submit(
              () ->
                  ctx.run(
                      () -> {
                        throw new IllegalStateException("task failed");
                      }));
      Future<Context> after = pool.submit(Context::current);
      assertSame(ctx, during.get(10, TimeUnit.SECONDS));
      assertThrows(java.util.concurrent.ExecutionException.class, failing::get);
      assertSame(Context.background(), after.get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void s30_manyVirtualThreads_eachSeesItsOwnBindingThroughout() throws Exception {
    int n = 2_000;
    List<Thread> threads = new ArrayList<>(n);
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    Key<Integer> id = Key.named("id");
    for (int i = 0; i < n; i++) {
      Context mine = Context.background().withValue(id, i);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () ->
                      mine.run(
                          () -> {
                            for (int round = 0; round < 20; round++) {
                              Thread.yield(); // let other threads (and bindings) interleave
                              if (Context.current() != mine) {
                                wrong.add(mine.value(id) + " saw " + Context.current());
                              }
                            }
                          })));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), wrong);
  }
}
