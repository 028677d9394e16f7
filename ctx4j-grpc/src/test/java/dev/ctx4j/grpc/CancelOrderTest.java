package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that cancels its context sees its own cause on the call's failure, whatever status
 * reaches the call first.
 */
class CancelOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * The server answers the cancel before the client's own cancel closes the call. grpc's in-process
   * transport tells the server of a client's cancel before it closes the client's listener; with a
   * direct executor the server's context ends on the cancelling thread, and this handler answers
   * from there, so its status reaches the client first. The call is started on the test thread, so
   * no other thread is still delivering to the server when the cancel comes.
   */
  @Test
  void serverAnswersTheCancelFirst_clientStillSeesItsCause() throws Exception {
    String name = "ctx4j-" + UUID.randomUUID();
    ServerContextInterceptor interceptor = new ServerContextInterceptor();
    CountDownLatch entered = new CountDownLatch(1);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("ctx4j.test.Echo")
            .addMethod(
                Wire.UNARY,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      if (Wire.WARM_UP.equals(req)) {
                        out.onNext(req);
                        out.onCompleted();
                        return;
                      }
                      Context.current()
                          .afterDone(
                              () ->
                                  out.onError(
                                      Status.CANCELLED
                                          .withDescription("server gave up")
                                          .asRuntimeException()),
                              Direct.INLINE);
                      entered.countDown();
                    }))
            .build();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addStreamTracerFactory(interceptor.streamTracerFactory())
            .addService(ServerInterceptors.intercept(service, interceptor))
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try (CancellableContext client = Context.background().withCancel()) {
      ClientCalls.blockingUnaryCall(channel, Wire.UNARY, CallOptions.DEFAULT, Wire.WARM_UP);
      CompletableFuture<Status> fromTransport = new CompletableFuture<>();
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<String, String> call =
          ClientInterceptors.intercept(
                  channel, recordingClose(fromTransport), new ClientContextInterceptor())
              .newCall(
                  Wire.UNARY,
                  CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, client));
      call.start(closingInto(closed), new Metadata());
      call.request(1);
      call.sendMessage("hi");
      call.halfClose();
      assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "handler entered");

      IllegalStateException why = new IllegalStateException("client gave up");
      client.cancel(why);

      Status raw = fromTransport.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals("server gave up", raw.getDescription(), "the server's status came first");
      assertNull(raw.getCause());
      Status seen = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(Status.Code.CANCELLED, seen.getCode());
      assertSame(why, seen.getCause(), "the client sees its own cause");
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void failureAfterTheCancel_isTheCancelWithTheContextsCause() {
    ScriptedCall call = new ScriptedCall();
    try (CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<Status> closed = start(call, ctx);
      IllegalStateException why = new IllegalStateException("gave up");
      ctx.cancel(why);
      assertTrue(call.cancelled, "the call was cancelled");

      call.close(Status.UNAVAILABLE.withDescription("the server's answer"));

      Status seen = closed.getNow(null);
      assertEquals(Status.Code.CANCELLED, seen.getCode());
      assertSame(why, seen.getCause());
    }
  }

  @Test
  void okAfterTheCancel_isKept() {
    ScriptedCall call = new ScriptedCall();
    try (CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<Status> closed = start(call, ctx);
      ctx.cancel(new IllegalStateException("gave up"));
      assertTrue(call.cancelled, "the call was cancelled");

      call.close(Status.OK);

      assertTrue(closed.getNow(null).isOk(), "the call completed before the cancel took effect");
    }
  }

  @Test
  void failureBeforeTheCancel_isTheServers() {
    ScriptedCall call = new ScriptedCall();
    try (CancellableContext ctx = Context.background().withCancel()) {
      CompletableFuture<Status> closed = start(call, ctx);
      call.close(Status.INTERNAL.withDescription("the server's own"));
      ctx.cancel(new IllegalStateException("gave up"));

      assertFalse(call.cancelled, "a closed call is not cancelled");
      assertEquals(Status.Code.INTERNAL, closed.getNow(null).getCode());
    }
  }

  /** Starts {@code call} watched by {@code ctx}, cancelling inline; the future holds its close. */
  private static CompletableFuture<Status> start(ScriptedCall call, Context ctx) {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall<String, String> watched =
        new ClientContextInterceptor(Direct.INLINE)
            .interceptCall(
                Wire.UNARY,
                CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, ctx),
                new OneCallChannel(call, "scripted"));
    watched.start(closingInto(closed), new Metadata());
    return closed;
  }

  /** A listener that completes {@code closed} with the call's status. */
  private static <T> ClientCall.Listener<T> closingInto(CompletableFuture<Status> closed) {
    return new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    };
  }

  /** A client interceptor that records the status the transport closed the call with. */
  private static ClientInterceptor recordingClose(CompletableFuture<Status> closed) {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
          MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<RespT> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                    super.onClose(status, trailers);
                  }
                },
                headers);
          }
        };
      }
    };
  }

  /** A client call that records a cancel and closes only when the test says so. */
  private static final class ScriptedCall extends ClientCall<String, String> {
    private Listener<String> listener;
    volatile boolean cancelled;

    @Override
    public void start(Listener<String> responseListener, Metadata headers) {
      listener = responseListener;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {
      cancelled = true;
    }

    void close(Status status) {
      listener.onClose(status, new Metadata());
    }

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(String message) {}
  }
}
