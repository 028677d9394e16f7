package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.observe.BrokenChains;
import dev.ctx4j.observe.ContextTree;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The server interceptor's call context is a root of its own: made on the caller's thread (an
 * in-process channel with a direct executor, the caller's context current), it is not a broken
 * chain. A client call made with {@code background()} while a request is current is one.
 */
class BrokenChainsGrpcTest {
  @Test
  void serverCallContextOnTheCallersThread_isNotReported() throws Exception {
    String name = "ctx4j-" + UUID.randomUUID();
    AtomicReference<Thread> handledOn = new AtomicReference<>();
    ServerServiceDefinition service = echoService(handledOn);
    ServerContextInterceptor interceptor = new ServerContextInterceptor();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addStreamTracerFactory(interceptor.streamTracerFactory())
            .addService(ServerInterceptors.intercept(service, interceptor))
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    ContextTree.enable();
    try (CancellableContext request = Context.background().withTimeout(Duration.ofMinutes(1))) {
      long before = BrokenChains.count();
      String answer =
          request.call(
              () -> ClientCalls.blockingUnaryCall(channel, Wire.UNARY, CallOptions.DEFAULT, "hi"));
      assertEquals("hi", answer);
      assertEquals(Thread.currentThread(), handledOn.get(), "the call ran on the caller's thread");
      assertEquals(before, BrokenChains.count(), () -> BrokenChains.recent().toString());
    } finally {
      Tracing.off();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void clientCallGivenBackgroundWhileARequestIsCurrent_isReportedWithTheCall() throws Exception {
    String name = "ctx4j-" + UUID.randomUUID();
    ServerServiceDefinition service = echoService(new AtomicReference<>());
    Server server = InProcessServerBuilder.forName(name).addService(service).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    var intercepted = ClientInterceptors.intercept(channel, new ClientContextInterceptor());
    ContextTree.enable();
    try (CancellableContext request = Context.background().withTimeout(Duration.ofMinutes(1))) {
      long before = BrokenChains.count();
      request.call(
          () -> echo(intercepted, request.withoutCancel(), "outlives the request on purpose"));
      assertEquals(before, BrokenChains.count(), "withoutCancel() is meant");
      request.call(() -> echo(intercepted, Context.background(), "hi"));
      assertEquals(before + 1, BrokenChains.count(), () -> BrokenChains.recent().toString());
      BrokenChains.Report r = BrokenChains.recent().get(0);
      assertEquals("gRPC " + Wire.UNARY.getFullMethodName(), r.call());
      assertEquals("Context.background", r.context());
      assertTrue(
          r.site().contains("BrokenChainsGrpcTest.echo(BrokenChainsGrpcTest.java:"), r.site());
      assertTrue(r.current().contains("withTimeout(1m0s)"), r.current());
      assertTrue(
          r.toString().contains("the call does not see its cancel or deadline"), r.toString());
      Tracing.off();
      request.call(() -> echo(intercepted, Context.background(), "tracing off"));
      assertEquals(before + 1, BrokenChains.count(), "nothing is checked with tracing off");
    } finally {
      Tracing.off();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A unary call with {@code ctx} as its explicit context. */
  private static String echo(io.grpc.Channel channel, Context ctx, String message) {
    return ClientCalls.blockingUnaryCall(
        channel,
        Wire.UNARY,
        CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, ctx),
        message);
  }

  /** A unary echo service that notes the thread it answered on. */
  private static ServerServiceDefinition echoService(AtomicReference<Thread> handledOn) {
    return ServerServiceDefinition.builder("ctx4j.test.Echo")
        .addMethod(
            Wire.UNARY,
            ServerCalls.asyncUnaryCall(
                (req, out) -> {
                  handledOn.set(Thread.currentThread());
                  out.onNext(req);
                  out.onCompleted();
                }))
        .build();
  }
}
