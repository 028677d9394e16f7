package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Roots": S1. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RootsTest {
  private static final Key<String> KEY = Key.named("k");

  @Test
  void s01_rootsAreSingletons() {
    assertSame(Context.background(), Context.background());
    assertSame(Context.todo(), Context.todo());
    assertNotSame(Context.background(), Context.todo());
  }

  @Test
  void s01_rootsAreNeverDoneAndHoldNothing() throws InterruptedException {
    for (Context root : List.of(Context.background(), Context.todo())) {
      assertFalse(root.isDone(), root::toString);
      assertNull(root.err(), root::toString);
      assertNull(root.cause(), root::toString);
      assertTrue(root.deadline().isEmpty(), root::toString);
      assertNull(root.value(KEY), root::toString);
      assertFalse(root.done().toCompletableFuture().isDone(), root::toString);
      root.throwIfDone(); // does nothing
    }
  }

  @Test
  void s01_awaitOnRootReturnsFalseAfterTheDuration() throws InterruptedException {
    for (Context root : List.of(Context.background(), Context.todo())) {
      long start = System.nanoTime();
      assertFalse(root.await(Duration.ofMillis(20)));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos(), "returned early");
    }
  }

  @Test
  void s01_rootsStayLiveWhenTheirChildrenAreCancelled() {
    CancellableContext child = Context.background().withCancel();
    CancellableContext other = Context.todo().withCancel();
    child.cancel();
    other.cancel();
    assertFalse(Context.background().isDone());
    assertFalse(Context.todo().isDone());
  }

  @Test
  void s01_rootNames() {
    assertEquals("Context.background", Context.background().toString());
    assertEquals("Context.todo", Context.todo().toString());
  }
}
