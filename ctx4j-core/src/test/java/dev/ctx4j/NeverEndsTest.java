package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.internal.InternalContexts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one answer to "can this context ever end?" that integrations use to skip watching ({@link
 * InternalContexts#neverEnds}): true exactly when no cancellable context is on the path to the
 * root.
 */
@ExtendWith(CoreInvariants.class)
class NeverEndsTest {
  private static final Key<String> KEY = Key.named("k");

  @Test
  void rootsDetachedContextsAndValueChainsOverThem_neverEnd() {
    try (CancellableContext live = Context.background().withCancel()) {
      List<Context> never =
          List.of(
              Context.background(),
              Context.todo(),
              Context.background().withValue(KEY, "v"),
              Context.todo().withValue(KEY, "a").withValue(KEY, "b"),
              live.withoutCancel(),
              live.withValue(KEY, "v").withoutCancel().withValue(KEY, "w"),
              Context.background().withoutCancel().withoutCancel());
      for (Context c : never) {
        assertTrue(InternalContexts.neverEnds(c), c::toString);
        assertTrue(c.deadline().isEmpty(), c + ": and indeed has no deadline");
      }
      live.cancel();
      assertTrue(InternalContexts.neverEnds(never.get(4)), "detached from a parent that ended");
      assertFalse(never.get(4).isDone());
    }
  }

  @Test
  void anythingWithACancellableContextOnItsPath_canEnd_liveOrDone() {
    CancellableContext cancel = Context.background().withCancel();
    CancellableContext timed = Context.todo().withTimeout(Duration.ofHours(1));
    List<Context> canEnd =
        List.of(
            cancel,
            timed,
            cancel.withValue(KEY, "v"),
            cancel.readOnly(),
            cancel.readOnly().withValue(KEY, "v"),
            Context.background().withoutCancel().withCancel(),
            timed.withValue(KEY, "v").withValue(KEY, "w"));
    for (Context c : canEnd) {
      assertFalse(InternalContexts.neverEnds(c), c::toString);
    }
    cancel.cancel();
    timed.cancel();
    for (Context c : canEnd.subList(0, 5)) {
      assertFalse(InternalContexts.neverEnds(c), c + ": done, so it did end");
    }
  }

  @Test
  void currentBindingOfACancellableContext_canEnd() throws Exception {
    try (CancellableContext ctx = Context.background().withCancel()) {
      assertFalse(ctx.call(() -> InternalContexts.neverEnds(Context.current())));
    }
    assertTrue(InternalContexts.neverEnds(Context.current()), "background outside any binding");
  }

  @Test
  void b1_null_throwsNpeNamingCtx() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> InternalContexts.neverEnds(null));
    assertEquals("ctx", e.getMessage());
  }
}
