package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SEMANTICS.md "Values": S14–S16. */
@ExtendWith(CoreInvariants.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ValuesTest {
  private static final Key<String> USER = Key.named("user");
  private static final Key<Integer> LIMIT = Key.named("limit");
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
  void s14_valueIsTheNearestBindingTowardTheRoot() {
    Context outer = Context.background().withValue(USER, "outer").withValue(LIMIT, 3);
    CancellableContext scope = outer.withCancel();
    Context inner = scope.withTimeout(Duration.ofSeconds(5)).withValue(USER, "inner");
    Context below = inner.withCancel().withoutCancel().withCancel();

    assertEquals("outer", outer.value(USER));
    assertEquals("outer", scope.value(USER));
    assertEquals("inner", inner.value(USER), "the inner binding shadows the outer one");
    assertEquals("inner", below.value(USER), "found through every link kind");
    assertEquals(3, below.value(LIMIT));
    assertNull(Context.background().value(USER));
    scope.cancel();
  }

  @Test
  void s14_keysWithTheSameNameAreDifferentKeys() {
    Key<String> a = Key.named("x");
    Key<String> b = Key.named("x");
    Context ctx = Context.background().withValue(a, "A");
    assertEquals("A", ctx.value(a));
    assertNull(ctx.value(b));
    assertEquals("B", ctx.withValue(b, "B").value(b));
    assertEquals("A", ctx.withValue(b, "B").value(a));
    assertEquals("x", a.name());
  }

  @Test
  void s15_nullKeyIsRejectedNamingTheArgument() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Context.background().withValue(null, "v"));
    assertEquals("key", e.getMessage());
  }

  @Test
  void s15_nullValueIsAllowedAndShadowsTheOuterBinding() {
    Context outer = Context.background().withValue(USER, "outer");
    Context inner = outer.withValue(USER, null);
    assertNull(inner.value(USER));
    assertEquals("outer", outer.value(USER));
  }

  @Test
  void s16_withValueOpensNoScope() {
    RuntimeException x = new RuntimeException("x");
    CancellableContext parent = Context.background().withTimeout(Duration.ofMinutes(1));
    Context child = parent.withValue(USER, "u");

    assertTrue(Trees.dependents(parent).isEmpty(), "nothing registered with the parent");
    assertSame(parent.deadline().orElseThrow(), child.deadline().orElseThrow());
    assertFalse(child.isDone());

    parent.cancel(x);

    assertTrue(child.isDone());
    assertSame(parent.err(), child.err());
    assertSame(x, child.cause());
    assertSame(parent.done(), child.done(), "the same done signal");
  }

  @Test
  void s16_withValueOnRootIsNeverDoneAndHasNoDeadline() {
    Context child = Context.background().withValue(USER, "u");
    assertFalse(child.isDone());
    assertTrue(child.deadline().isEmpty());
    assertNull(child.err());
  }
}
