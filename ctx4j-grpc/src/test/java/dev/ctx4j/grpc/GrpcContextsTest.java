package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.DeadlineExceededException;
import io.grpc.Contexts;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The bridge functions, both directions: deadline, cancel, cause, and no listener left behind. */
class GrpcContextsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ScheduledExecutorService GRPC_TIMER =
      Executors.newSingleThreadScheduledExecutor();

  @AfterAll
  static void stopTimer() {
    GRPC_TIMER.shutdownNow();
  }

  /** A latch released when {@code g} is cancelled. */
  private static CountDownLatch cancelled(io.grpc.Context g) {
    CountDownLatch latch = new CountDownLatch(1);
    g.addListener(c -> latch.countDown(), Runnable::run);
    return latch;
  }

  // ---- grpc → ctx4j ------------------------------------------------------------------------

  @Test
  void fromGrpc_grpcCancelledWithCause_childCancelledWithTheSameCause() throws Exception {
    io.grpc.Context.CancellableContext g = io.grpc.Context.ROOT.withCancellation();
    CancellableContext c = GrpcContexts.fromGrpc(g, Context.background());
    assertFalse(c.isDone());
    assertEquals(1, Internals.grpcListeners(g));

    IllegalStateException why = new IllegalStateException("stop");
    g.cancel(why);

    assertTrue(c.isDone(), "cancelled synchronously, on grpc's cancelling thread");
    assertInstanceOf(ContextCancelledException.class, c.err());
    assertSame(why, c.cause());
    assertEquals(0, Internals.grpcListeners(g));
  }

  @Test
  void fromGrpc_grpcDeadline_becomesTheDeadline_andEndsAsDeadlineExceeded() throws Exception {
    io.grpc.Context.CancellableContext g =
        io.grpc.Context.ROOT.withDeadlineAfter(200, TimeUnit.MILLISECONDS, GRPC_TIMER);
    CancellableContext c = GrpcContexts.fromGrpc(g, Context.background());
    Duration left = c.deadline().orElseThrow().remaining();
    assertTrue(left.compareTo(Duration.ofMillis(200)) <= 0 && left.isPositive(), "left " + left);

    assertTrue(c.await(WAIT));
    assertInstanceOf(DeadlineExceededException.class, c.err());
    assertTrue(c.deadline().orElseThrow().isExpired(), "never before the deadline");
    g.cancel(null);
    assertEquals(0, Internals.grpcListeners(g));
  }

  @Test
  void fromGrpc_childEndsFirst_removesItsGrpcListener_andLeavesGrpcAlone() throws Exception {
    io.grpc.Context.CancellableContext g = io.grpc.Context.ROOT.withCancellation();
    CancellableContext c = GrpcContexts.fromGrpc(g, Context.background());
    assertEquals(1, Internals.grpcListeners(g));

    c.cancel();

    assertEquals(0, Internals.grpcListeners(g));
    assertFalse(g.isCancelled());
    g.cancel(new IllegalStateException("later"));
    assertSame(c.err(), c.cause(), "the child keeps its own cause");
  }

  @Test
  void fromGrpc_parentCancelled_endsChild_andRemovesGrpcListener() throws Exception {
    io.grpc.Context.CancellableContext g = io.grpc.Context.ROOT.withCancellation();
    CancellableContext parent = Context.background().withCancel();
    CancellableContext c = GrpcContexts.fromGrpc(g, parent);
    IllegalStateException why = new IllegalStateException("shutdown");

    parent.cancel(why);

    assertSame(why, c.cause());
    assertEquals(0, Internals.grpcListeners(g));
    assertEquals(0, Internals.dependents(parent));
    g.cancel(null);
  }

  @Test
  void fromGrpc_parentDeadlineEarlier_keepsTheParents() {
    io.grpc.Context.CancellableContext g =
        io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, GRPC_TIMER);
    try (CancellableContext parent = Context.background().withTimeout(Duration.ofSeconds(5));
        CancellableContext c = GrpcContexts.fromGrpc(g, parent)) {
      assertEquals(parent.deadline(), c.deadline());
    } finally {
      g.cancel(null);
    }
  }

  @Test
  void fromGrpc_grpcAlreadyCancelled_childBornDoneWithItsCause() throws Exception {
    io.grpc.Context.CancellableContext g = io.grpc.Context.ROOT.withCancellation();
    IllegalStateException why = new IllegalStateException("gone");
    g.cancel(why);
    CancellableContext c = GrpcContexts.fromGrpc(g, Context.background());
    assertTrue(c.isDone());
    assertSame(why, c.cause());
    assertEquals(0, Internals.grpcListeners(g));
  }

  @Test
  void fromGrpc_uncancellableRoot_childLiveUntilCancelled() {
    CancellableContext c = GrpcContexts.fromGrpc(io.grpc.Context.ROOT, Context.background());
    assertFalse(c.isDone());
    assertTrue(c.deadline().isEmpty());
    c.cancel();
    assertTrue(c.isDone());
  }

  // ---- ctx4j → grpc ------------------------------------------------------------------------

  @Test
  void toGrpc_ctx4jCancelledWithCause_grpcCancelledWithTheSameCause() throws Exception {
    CancellableContext c = Context.background().withCancel();
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(c, io.grpc.Context.ROOT);
    CountDownLatch done = cancelled(g);
    assertEquals(1, Internals.dependents(c));
    IllegalStateException why = new IllegalStateException("stop");

    c.cancel(why);

    assertTrue(done.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertSame(why, g.cancellationCause());
    assertEquals(Status.Code.CANCELLED, Contexts.statusFromCancelled(g).getCode());
  }

  @Test
  void toGrpc_deadline_isCarried_andEndsAsTimeoutWrappingTheCtx4jCause() throws Exception {
    CancellableContext c = Context.background().withTimeout(Duration.ofMillis(200));
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(c, io.grpc.Context.ROOT);
    CountDownLatch done = cancelled(g);
    long grpcLeft = g.getDeadline().timeRemaining(TimeUnit.MILLISECONDS);
    assertTrue(grpcLeft <= 200 && grpcLeft > 0, "grpc deadline in " + grpcLeft + " ms");

    assertTrue(done.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    TimeoutException cause = assertInstanceOf(TimeoutException.class, g.cancellationCause());
    assertSame(c.cause(), cause.getCause());
    assertInstanceOf(DeadlineExceededException.class, cause.getCause());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, Contexts.statusFromCancelled(g).getCode());
    assertTrue(g.getDeadline().isExpired(), "never before the deadline");
  }

  @Test
  void toGrpc_grpcEndsFirst_leavesCtx4jAlone_callbackGoesWhenCtx4jIsDone() throws Exception {
    CancellableContext c = Context.background().withCancel();
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(c, io.grpc.Context.ROOT);
    assertEquals(1, Internals.dependents(c));

    g.cancel(null);

    assertFalse(c.isDone());
    assertEquals(1, Internals.dependents(c), "no grpc listener, so the callback waits for c");
    c.cancel(new IllegalStateException("later"));
    assertEquals(0, Internals.dependents(c));
    assertNull(g.cancellationCause(), "grpc keeps its own cause");
  }

  @Test
  void toGrpc_grpcParentCancelled_endsChild_andLeavesNoGrpcListener() throws Exception {
    io.grpc.Context.CancellableContext parent = io.grpc.Context.ROOT.withCancellation();
    CancellableContext c = Context.background().withCancel();
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(c, parent);
    IllegalStateException why = new IllegalStateException("shutdown");

    parent.cancel(why);

    assertTrue(g.isCancelled());
    assertSame(why, g.cancellationCause());
    assertEquals(0, Internals.grpcListeners(parent));
    c.cancel();
    assertEquals(0, Internals.dependents(c));
  }

  @Test
  void toGrpc_ctx4jAlreadyDone_grpcChildBornCancelled() {
    CancellableContext c = Context.background().withCancel();
    IllegalStateException why = new IllegalStateException("gone");
    c.cancel(why);
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(c, io.grpc.Context.ROOT);
    assertTrue(g.isCancelled());
    assertSame(why, g.cancellationCause());
  }

  @Test
  void toGrpc_background_neverCancelled_noDeadline() throws Exception {
    io.grpc.Context.CancellableContext g =
        GrpcContexts.toGrpc(Context.background(), io.grpc.Context.ROOT);
    assertFalse(g.isCancelled());
    assertNull(g.getDeadline());
    g.cancel(null);
  }

  @Test
  void roundTrip_ctx4jToGrpcToCtx4j_keepsDeadlineCancelAndCause() throws Exception {
    CancellableContext origin = Context.background().withTimeout(Duration.ofMinutes(5));
    io.grpc.Context.CancellableContext g = GrpcContexts.toGrpc(origin, io.grpc.Context.ROOT);
    CancellableContext back = GrpcContexts.fromGrpc(g, Context.background());
    Duration gap =
        origin
            .deadline()
            .orElseThrow()
            .remaining()
            .minus(back.deadline().orElseThrow().remaining());
    assertTrue(gap.abs().compareTo(Duration.ofSeconds(1)) < 0, "deadline moved by " + gap);
    IllegalStateException why = new IllegalStateException("stop");

    origin.cancel(why);

    assertTrue(back.await(WAIT));
    assertSame(why, back.cause());
    assertEquals(0, Internals.dependents(origin));
    assertEquals(0, Internals.grpcListeners(g));
  }

  // ---- bad input ---------------------------------------------------------------------------

  @Test
  void nulls_throwNullPointerException_namingTheParameter() {
    io.grpc.Context g = io.grpc.Context.ROOT;
    Context c = Context.background();
    assertEquals(
        "grpc",
        assertThrows(NullPointerException.class, () -> GrpcContexts.fromGrpc(null, c))
            .getMessage());
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> GrpcContexts.fromGrpc(g, null))
            .getMessage());
    assertEquals(
        "ctx",
        assertThrows(NullPointerException.class, () -> GrpcContexts.toGrpc(null, g)).getMessage());
    assertEquals(
        "parent",
        assertThrows(NullPointerException.class, () -> GrpcContexts.toGrpc(c, null)).getMessage());
    assertEquals(
        "cancelExecutor",
        assertThrows(NullPointerException.class, () -> new ClientContextInterceptor(null))
            .getMessage());
    assertEquals(
        "lifetime",
        assertThrows(NullPointerException.class, () -> new ServerContextInterceptor(null))
            .getMessage());
    assertEquals(
        "lifetime",
        assertThrows(
                NullPointerException.class, () -> new ServerContextInterceptor(null, Duration.ZERO))
            .getMessage());
    assertEquals(
        "deadlineSlack",
        assertThrows(NullPointerException.class, () -> new ServerContextInterceptor(c, null))
            .getMessage());
    assertEquals(
        "reason",
        assertThrows(
                NullPointerException.class,
                () -> new CallCancelledException(null, Status.CANCELLED))
            .getMessage());
    assertEquals(
        "status",
        assertThrows(
                NullPointerException.class,
                () -> new CallCancelledException(CallCancelledException.Reason.UNKNOWN, null))
            .getMessage());
  }

  @Test
  void negativeDeadlineSlack_throwsIllegalArgumentException_namingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ServerContextInterceptor(Context.background(), Duration.ofMillis(-1)));
    assertTrue(e.getMessage().contains("deadlineSlack"), e.getMessage());
  }
}
