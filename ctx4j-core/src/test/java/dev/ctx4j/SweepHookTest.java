package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.internal.Sweep;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Core's cancellation-point hook (ADR 0124), as ctx4j-junit's sweep uses it. */
class SweepHookTest {
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private Sweep.Action record(String operation, StackTraceElement site) {
    seen.add(operation + "@" + site.getMethodName());
    return Sweep.Action.PASS;
  }

  @Test
  void eachPublicPointOfADescendant_reportedOnce_withTheCallersFrame() throws Exception {
    try (CancellableContext root = Context.background().withTimeout(Duration.ofMinutes(1))) {
      Runnable disarm = Sweep.arm(root, this::record);
      try {
        Context child = root.readOnly().withValue(Key.named("k"), "v");
        assertFalse(child.isDone());
        assertEquals(null, child.err());
        child.throwIfDone();
        assertFalse(child.await(Duration.ZERO));
        child.sleep(Duration.ZERO);
        assertEquals(1, child.get(CompletableFuture.completedFuture(1)));
        var unused = child.done();
        assertEquals(2, child.callInterruptibly(() -> 2));
      } finally {
        disarm.run();
      }
    }
    String m = "eachPublicPointOfADescendant_reportedOnce_withTheCallersFrame";
    assertEquals(
        List.of(
            "isDone@" + m,
            "err@" + m,
            "throwIfDone@" + m,
            "await@" + m,
            "sleep@" + m,
            "get@" + m,
            "done@" + m,
            "callInterruptibly@" + m),
        seen);
  }

  @Test
  void otherTreesAndDetachedContexts_notReported_andNothingOnceDisarmed() {
    try (CancellableContext root = Context.background().withTimeout(Duration.ofMinutes(1));
        CancellableContext other = Context.background().withCancel()) {
      Runnable disarm = Sweep.arm(root, this::record);
      assertFalse(other.isDone());
      assertFalse(root.withoutCancel().isDone());
      disarm.run();
      disarm.run(); // idempotent
      assertFalse(root.isDone());
    }
    assertEquals(List.of(), seen);
  }

  @Test
  void cancelAtAPoint_endsTheRootBeforeThePointReadsIt() {
    CancellableContext root = Context.background().withTimeout(Duration.ofMinutes(1));
    Runnable disarm = Sweep.arm(root, (op, site) -> Sweep.Action.CANCEL);
    try {
      Context child = root.withCancel();
      assertTrue(child.isDone(), "the point that cancels sees its own cancel");
      assertInstanceOf(ContextCancelledException.class, root.err());
    } finally {
      disarm.run();
    }
  }

  @Test
  void expireAtAPoint_endsTheRootWithItsDeadline() {
    CancellableContext root = Context.background().withTimeout(Duration.ofMinutes(1));
    Runnable disarm = Sweep.arm(root, (op, site) -> Sweep.Action.EXPIRE);
    try {
      assertThrows(DeadlineExceededException.class, root::throwIfDone);
    } finally {
      disarm.run();
    }
  }

  @Test
  void misuse_clearErrors() {
    try (CancellableContext plain = Context.background().withCancel();
        CancellableContext root = Context.background().withTimeout(Duration.ofMinutes(1))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Sweep.arm(plain, this::record));
      assertTrue(e.getMessage().contains("withTimeout or withDeadline"), e.getMessage());
      assertThrows(NullPointerException.class, () -> Sweep.arm(root, null));
      assertThrows(NullPointerException.class, () -> Sweep.arm(null, this::record));
      Runnable disarm = Sweep.arm(root, this::record);
      try {
        assertThrows(IllegalStateException.class, () -> Sweep.arm(root, this::record));
      } finally {
        disarm.run();
      }
    }
  }
}
