package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link CancellableContext#readOnly()}: a view that watches a context but cannot end it. */
class ReadOnlyViewTest {
  private static final Key<String> USER = Key.named("user");

  @Test
  void readOnly_isNotCancellable_butIsTheSameContextForReaders() {
    CancellableContext owner =
        Context.background().withValue(USER, "ada").withTimeout(Duration.ofHours(1));
    Context view = owner.readOnly();
    assertFalse(view instanceof CancellableContext);
    assertEquals(owner.toString(), view.toString());
    assertEquals("ada", view.value(USER));
    assertSame(owner.deadline().orElseThrow(), view.deadline().orElseThrow());
    assertFalse(view.isDone());
    owner.cancel(new IllegalStateException("bye"));
    assertTrue(view.isDone());
    assertSame(owner.err(), view.err());
    assertSame(owner.cause(), view.cause());
    assertNotSame(owner.readOnly(), owner.readOnly());
  }

  @Test
  void readOnly_childrenOfTheView_areCancelledWithTheOwner() {
    CancellableContext owner = Context.background().withCancel();
    CancellableContext child = owner.readOnly().withCancel();
    assertEquals("Context.background.withCancel.withCancel", child.toString());
    owner.cancel();
    assertTrue(child.isDone());
    assertSame(owner.cause(), child.cause());
  }
}
