package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.Deadline;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.grpc.InterceptorsTest.Seen;
import dev.ctx4j.grpc.Wire.Endpoint;
import dev.ctx4j.grpc.Wire.Transport;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A → B → C over gRPC. B calls C with {@code io.grpc.Context.ROOT} attached, so grpc's own deadline
 * and cancel propagation is off: whatever reaches C came through ctx4j.
 */
class ChainTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** B: records its context, then calls C from it. */
  private static Wire.Unary hopVia(ManagedChannel toC, CompletableFuture<Context> bSaw) {
    return req -> {
      bSaw.complete(Context.current());
      return io.grpc.Context.ROOT.call(
          () -> ClientCalls.blockingUnaryCall(toC, Wire.UNARY, CallOptions.DEFAULT, req));
    };
  }

  private static Throwable callFails(Context ctx, ManagedChannel toB) {
    try {
      ctx.call(() -> ClientCalls.blockingUnaryCall(toB, Wire.UNARY, CallOptions.DEFAULT, "a"));
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected the call to fail");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void threeHops_cancelAtA_reachesC_withDeadlineCarried(Transport transport) throws Exception {
    Seen c = new Seen();
    CompletableFuture<Context> bSaw = new CompletableFuture<>();
    try (Endpoint cEnd =
            Endpoint.start(
                transport, Context.background(), Wire.service(req -> c.blockUntilDone(), null));
        Endpoint bEnd =
            Endpoint.start(
                transport, Context.background(), Wire.service(hopVia(cEnd.channel, bSaw), null));
        CancellableContext a = Context.background().withTimeout(Duration.ofSeconds(30))) {
      CompletableFuture<Throwable> aFailed = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> aFailed.complete(callFails(a, bEnd.channel)));
      assertTrue(c.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "C entered");

      Deadline aDeadline = a.deadline().orElseThrow();
      Context bCtx = bSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Context cCtx = c.context();
      Duration atC = c.remainingAtStart.get();
      assertTrue(atC.compareTo(Duration.ofSeconds(30)) < 0, "C's budget " + atC);
      assertTrue(
          cCtx.deadline().orElseThrow().compareTo(bCtx.deadline().orElseThrow()) <= 0
              || closeTo(cCtx, bCtx),
          "C's deadline is B's or earlier");
      assertTrue(closeTo(bCtx, a), "B's deadline is A's, give or take the transit");
      assertTrue(aDeadline.remaining().compareTo(Duration.ofSeconds(30)) < 0);

      IllegalStateException why = new IllegalStateException("A gave up");
      a.cancel(why);

      assertTrue(cCtx.await(WAIT), "C's context done");
      assertInstanceOf(ContextCancelledException.class, cCtx.err());
      CallCancelledException atCCause =
          assertInstanceOf(CallCancelledException.class, cCtx.cause());
      assertEquals(CallCancelledException.Reason.CANCELLED_BY_CLIENT, atCCause.reason());
      assertTrue(bCtx.await(WAIT), "B's context done");
      assertInstanceOf(CallCancelledException.class, bCtx.cause());

      StatusRuntimeException atA =
          assertInstanceOf(
              StatusRuntimeException.class, aFailed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertEquals(Status.Code.CANCELLED, atA.getStatus().getCode());
      assertSame(why, atA.getStatus().getCause());
    }
  }

  /** Deadlines of two hops agree within a generous transit allowance (not a speed assertion). */
  private static boolean closeTo(Context x, Context y) {
    Duration gap =
        x.deadline().orElseThrow().remaining().minus(y.deadline().orElseThrow().remaining()).abs();
    return gap.compareTo(Duration.ofSeconds(2)) < 0;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void threeHops_deadlineAtA_endsEveryHopWithDeadlineExceeded(Transport transport)
      throws Exception {
    Seen c = new Seen();
    CompletableFuture<Context> bSaw = new CompletableFuture<>();
    try (Endpoint cEnd =
            Endpoint.start(
                transport, Context.background(), Wire.service(req -> c.blockUntilDone(), null));
        Endpoint bEnd =
            Endpoint.start(
                transport, Context.background(), Wire.service(hopVia(cEnd.channel, bSaw), null));
        CancellableContext a = Context.background().withTimeout(Duration.ofSeconds(2))) {
      Throwable atA = callFails(a, bEnd.channel);
      assertEquals(
          Status.Code.DEADLINE_EXCEEDED,
          assertInstanceOf(StatusRuntimeException.class, atA).getStatus().getCode());

      Context cCtx = c.context();
      Context bCtx = bSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(c.remainingAtStart.get().compareTo(Duration.ofSeconds(2)) < 0);
      assertTrue(cCtx.await(WAIT) && bCtx.await(WAIT), "both hops done");
      assertInstanceOf(
          DeadlineExceededException.class, cCtx.err(), () -> "C's cause " + cCtx.cause());
      assertInstanceOf(
          DeadlineExceededException.class, bCtx.err(), () -> "B's cause " + bCtx.cause());
    }
  }

  @Test
  void connectionLost_endsServerContext_asDisconnected() throws Exception {
    Seen seen = new Seen();
    try (Endpoint e =
            Endpoint.start(
                Transport.NETTY,
                Context.background(),
                Wire.service(req -> seen.blockUntilDone(), null));
        Relay relay = new Relay(e.server.getPort())) {
      ManagedChannel viaRelay = Endpoint.nettyChannel(relay.port());
      try {
        CancellableContext client = Context.background().withCancel();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> failed.complete(callFails(client, viaRelay)));
        assertTrue(seen.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        relay.cut();

        Context server = seen.context();
        assertTrue(server.await(WAIT), "server context done");
        CallCancelledException cause =
            assertInstanceOf(CallCancelledException.class, server.cause());
        assertEquals(
            CallCancelledException.Reason.DISCONNECTED, cause.reason(), cause.getMessage());
        assertEquals(
            Status.Code.UNAVAILABLE,
            assertInstanceOf(
                    StatusRuntimeException.class, failed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .getStatus()
                .getCode());
        client.cancel();
      } finally {
        viaRelay.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
