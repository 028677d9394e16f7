package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Detaching": S17. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DetachingTest {
  private static final Key<String> USER = Key.named("user");
  private ManualTimers timers;

  @BeforeEach
  void manualClock() {
    timers = ManualTimers.install();
  }

  @AfterEach
  void restoreClock() {
    timers.close();
  }

  @Test
  void s17_withoutCancelIsNeverDoneAndHasNoDeadlineButKeepsValues() {
    CancellableContext parent =
        Context.background().withValue(USER, "u").withTimeout(Duration.ofSeconds(1));
    Context detached = parent.withoutCancel();

    assertTrue(detached.deadline().isEmpty());
    assertEquals("u", detached.value(USER));
    assertTrue(Trees.dependents(parent).isEmpty(), "nothing registered with the parent");

    timers.advance(Duration.ofSeconds(1));

    assertTrue(parent.isDone());
    assertFalse(detached.isDone());
    assertNull(detached.err());
    assertNull(detached.cause());
    assertFalse(detached.done().toCompletableFuture().isDone());
    assertEquals("u", detached.value(USER));
  }

  @Test
  void s17_contextsDerivedFromDetachedCancelIndependently() {
    CancellableContext parent = Context.background().withCancel();
    Context detached = parent.withoutCancel();
    CancellableContext a = detached.withCancel();
    CancellableContext b = detached.withTimeout(Duration.ofMinutes(1));

    parent.cancel();
    assertFalse(a.isDone(), "the parent's cancel does not cross withoutCancel");
    assertFalse(b.isDone());
    assertEquals(Duration.ofMinutes(1), b.deadline().orElseThrow().remaining());

    a.cancel();
    assertFalse(b.isDone(), "siblings stay independent");
    timers.advance(Duration.ofMinutes(1));
    assertInstanceOf(DeadlineExceededException.class, b.err());
    assertInstanceOf(ContextCancelledException.class, a.err());
  }

  @Test
  void s17_withoutCancelOfDoneParentIsLive() {
    CancellableContext parent = Context.background().withCancel();
    parent.cancel();
    Context detached = parent.withoutCancel();
    CancellableContext child = detached.withCancel();
    assertFalse(detached.isDone());
    assertFalse(child.isDone(), "derived from a live context");
    child.cancel();
  }
}
