package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.grpc.InterceptorsTest.Seen;
import dev.ctx4j.grpc.Wire.Endpoint;
import dev.ctx4j.grpc.Wire.Transport;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import dev.ctx4j.junit.internal.ChainCapture;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * gRPC steps of a chain: the client's cancel is a "stream reset sent" hop of the caller's chain,
 * the server's call context records the caller's ref (from {@code ctx4j-parent}) and its end is a
 * "stream reset received" hop.
 */
class ChainHopsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void clientCancels_resetSentAtTheCaller_resetReceivedAtTheServer_joinedByRef(Transport transport)
      throws Exception {
    Seen server = new Seen();
    try (ChainCapture capture = new ChainCapture();
        Endpoint end =
            Endpoint.start(
                transport,
                Context.background(),
                Wire.service(req -> server.blockUntilDone(), null));
        CancellableContext a = Context.background().withCancel()) {
      Thread caller = callInBackground(a, end.channel);
      assertTrue(server.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "server entered");
      a.cancel(new IllegalStateException("caller gave up"));
      caller.join();
      TraceSink.Hop sent = capture.await(HopKind.STREAM_RESET_SENT);
      assertEquals(Trace.ref(a), sent.ref());
      assertTrue(sent.detail().endsWith(Wire.UNARY.getBareMethodName()), sent.detail());
      TraceSink.Hop received = capture.await(HopKind.STREAM_RESET_RECEIVED);
      assertEquals("CANCELLED", received.detail());
      assertEquals(sent.ref(), received.remoteParent(), "the server's call names the caller");
      assertInstanceOf(CallCancelledException.class, server.context().cause());
    }
  }

  @Test
  void received_malformedOrRepeatedParent_ignored() {
    try (ChainCapture capture = new ChainCapture()) {
      for (String[] values :
          new String[][] {{"not a ref"}, {"a".repeat(100)}, {"a-b.1", "a-b.2"}, {"a-b.1"}}) {
        CancellableContext ctx = Context.background().withCancel();
        Metadata headers = new Metadata();
        for (String v : values) {
          headers.put(ChainHops.PARENT, v);
        }
        ChainHops.received(ctx, headers, "svc/M");
        ctx.cancel(new IllegalStateException("x"));
      }
      assertEquals(4, capture.starts.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(null, capture.starts.get(i).remoteParent(), "ignored: value " + i);
      }
      assertEquals("a-b.1", capture.starts.get(3).remoteParent());
    }
  }

  @Test
  void traceparent_receivedWhenNoCtx4jParent_malformedOrRepeatedIgnored_senderSendsNoRef() {
    String good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String named = "w3c:4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";
    try (ChainCapture capture = new ChainCapture()) {
      for (String[] values :
          new String[][] {
            {"ff" + good.substring(2)}, {good + "-x"}, {good, good}, {"garbage"}, {good}
          }) {
        CancellableContext ctx = Context.background().withCancel();
        Metadata headers = new Metadata();
        for (String v : values) {
          headers.put(ChainHops.TRACEPARENT, v);
        }
        ChainHops.received(ctx, headers, "svc/M");
        ctx.cancel(new IllegalStateException("x"));
      }
      assertEquals(5, capture.starts.size());
      for (int i = 0; i < 4; i++) {
        assertEquals(null, capture.starts.get(i).remoteParent(), "ignored: value " + i);
      }
      assertEquals(named, capture.starts.get(4).remoteParent());

      CancellableContext caller = Context.background().withCancel();
      Metadata out = new Metadata();
      out.put(ChainHops.TRACEPARENT, good);
      ChainHops.sent(caller, out, "svc/M");
      assertEquals(null, out.get(ChainHops.PARENT), "a call with a traceparent needs no ref");
      Metadata plain = new Metadata();
      ChainHops.sent(caller, plain, "svc/M");
      assertEquals(
          dev.ctx4j.internal.Trace.ref(caller), plain.get(ChainHops.PARENT), "else the ref");
      caller.cancel();
    }
  }

  /**
   * A → B → C: the cancel at A crosses B both ways round — B receives A's reset as a server and
   * sends its own to C as a client — and each received reset names the sender's context.
   */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void relay_resetReceivedAndSentAtTheMiddle_eachReceiverNamesItsSender(Transport transport)
      throws Exception {
    Seen c = new Seen();
    CompletableFuture<Context> bSaw = new CompletableFuture<>();
    try (ChainCapture capture = new ChainCapture();
        Endpoint cEnd =
            Endpoint.start(
                transport, Context.background(), Wire.service(req -> c.blockUntilDone(), null));
        Endpoint bEnd =
            Endpoint.start(
                transport,
                Context.background(),
                Wire.service(
                    req -> {
                      bSaw.complete(Context.current());
                      return io.grpc.Context.ROOT.call(
                          () ->
                              ClientCalls.blockingUnaryCall(
                                  cEnd.channel, Wire.UNARY, CallOptions.DEFAULT, req));
                    },
                    null));
        CancellableContext a = Context.background().withCancel()) {
      Thread caller = callInBackground(a, bEnd.channel);
      assertTrue(c.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "C entered");
      Context b = bSaw.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      a.cancel(new IllegalStateException("A gave up"));
      caller.join();
      List<TraceSink.Hop> sent = capture.await(HopKind.STREAM_RESET_SENT, 2);
      String refA = Trace.ref(a);
      String refB = Trace.ref(b);
      assertEquals(
          java.util.Set.of(refA, refB),
          java.util.Set.of(sent.get(0).ref(), sent.get(1).ref()),
          "A and B each sent a reset");
      TraceSink.Hop atC =
          capture.await(
              h -> h.kind() == HopKind.STREAM_RESET_RECEIVED && refB.equals(h.remoteParent()));
      TraceSink.Hop atB =
          capture.await(
              h -> h.kind() == HopKind.STREAM_RESET_RECEIVED && refA.equals(h.remoteParent()));
      assertEquals("CANCELLED", atC.detail(), "C's reset received names B");
      assertEquals("CANCELLED", atB.detail(), "B's reset received names A");
      long perContext =
          capture.hops.stream()
              .filter(h -> h.kind() == HopKind.STREAM_RESET_RECEIVED)
              .map(h -> Trace.ref(h.context()))
              .distinct()
              .count();
      assertEquals(
          perContext,
          capture.hops.stream().filter(h -> h.kind() == HopKind.STREAM_RESET_RECEIVED).count(),
          "one reset-received hop per server call: " + capture.hops);
      assertTrue(c.context().isDone(), "C's work ended");
    }
  }

  /**
   * A unary call under {@code ctx} on a virtual thread; its cancellation is what the test wants.
   */
  private static Thread callInBackground(Context ctx, io.grpc.Channel channel) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                ctx.call(
                    () ->
                        ClientCalls.blockingUnaryCall(
                            channel, Wire.UNARY, CallOptions.DEFAULT, "a"));
              } catch (Exception expected) {
                // cancelled, as the test wants
              }
            });
  }
}
