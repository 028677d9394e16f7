package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.internal.InternalContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link InternalContexts#endTogether}: the contexts a batch ends are done at once, their parked
 * threads are woken only when the batch is over, whatever it threw (ADR 0130).
 */
@ExtendWith(CoreInvariants.class)
class EndTogetherTest {

  /** Threads parked in await, sleep and get on their own contexts; started and parked. */
  private static List<Thread> parked(List<CancellableContext> contexts, AtomicInteger woke)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    CompletableFuture<Void> never = new CompletableFuture<>();
    for (int i = 0; i < contexts.size(); i++) {
      Context view = contexts.get(i).readOnly();
      int kind = i % 3;
      Thread t =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      switch (kind) {
                        case 0 -> view.await();
                        case 1 -> view.sleep(Duration.ofMinutes(5));
                        default -> view.get(never);
                      }
                    } catch (ContextException | InterruptedException e) {
                      // ended: the expected way out
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    woke.incrementAndGet();
                  });
      threads.add(t);
    }
    for (Thread t : threads) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
        assertTrue(System.nanoTime() < until, "a waiter never parked");
        Thread.onSpinWait();
      }
    }
    return threads;
  }

  @Test
  void everyContextIsDoneBeforeAnyWaiterWakes_andEveryWaiterWakesAfter() throws Exception {
    List<CancellableContext> contexts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      contexts.add(Context.background().withCancel());
    }
    AtomicInteger woke = new AtomicInteger();
    List<Thread> threads = parked(contexts, woke);
    CountDownLatch inlineRan = new CountDownLatch(contexts.size());
    for (CancellableContext c : contexts) {
      var unused = c.afterDone(inlineRan::countDown, Runnable::run);
    }
    InternalContexts.endTogether(
        () -> {
          for (CancellableContext c : contexts) {
            c.cancel();
            assertTrue(c.isDone());
          }
          // Every context is done and its inline callbacks ran; no waiter was unparked yet.
          assertEquals(0, inlineRan.getCount());
          for (Thread t : threads) {
            Thread.State s = t.getState();
            assertTrue(
                s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING,
                "a waiter ran inside the batch: " + s);
          }
          assertEquals(0, woke.get());
        });
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(t.isAlive(), "a waiter was never woken after the batch");
    }
    assertEquals(contexts.size(), woke.get());
  }

  @Test
  void aBatchThatThrows_stillWakesWhatItEnded() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger woke = new AtomicInteger();
    List<Thread> threads = parked(List.of(ctx), woke);
    IllegalStateException thrown = new IllegalStateException("test: the batch fails");
    IllegalStateException caught =
        assertThrows(
            IllegalStateException.class,
            () ->
                InternalContexts.endTogether(
                    () -> {
                      ctx.cancel();
                      throw thrown;
                    }));
    assertSame(thrown, caught);
    threads.get(0).join(TimeUnit.SECONDS.toMillis(10));
    assertEquals(1, woke.get());
  }

  @Test
  void nestedBatches_wakeWhenTheOuterEnds() throws Exception {
    CancellableContext a = Context.background().withCancel();
    CancellableContext b = Context.background().withCancel();
    AtomicInteger woke = new AtomicInteger();
    List<Thread> threads = parked(List.of(a, b), woke);
    InternalContexts.endTogether(
        () -> {
          a.cancel();
          InternalContexts.endTogether(b::cancel);
          assertTrue(a.isDone() && b.isDone());
          assertEquals(Thread.State.WAITING, threads.get(0).getState());
          assertEquals(Thread.State.TIMED_WAITING, threads.get(1).getState());
        });
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertEquals(2, woke.get());
  }

  @Test
  void outsideABatch_aCancelWakesAtOnce() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    AtomicInteger woke = new AtomicInteger();
    List<Thread> threads = parked(List.of(ctx), woke);
    ctx.cancel();
    threads.get(0).join(TimeUnit.SECONDS.toMillis(10));
    assertEquals(1, woke.get());
  }

  @Test
  void nullBatch_isRefused() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> InternalContexts.endTogether(null));
    assertEquals("ends", e.getMessage());
  }
}
