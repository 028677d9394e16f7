package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test wiring: hand-written method descriptors with a string marshaller, servers, channels. */
final class Wire {
  private Wire() {}

  static final MethodDescriptor.Marshaller<String> STRING =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<String, String> UNARY =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("ctx4j.test.Echo/Unary")
          .setRequestMarshaller(STRING)
          .setResponseMarshaller(STRING)
          .build();

  /** A request every test service answers at once: {@link Endpoint#start} sends one. */
  static final String WARM_UP = "warm-up";

  static final MethodDescriptor<String, String> STREAM =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("ctx4j.test.Echo/Stream")
          .setRequestMarshaller(STRING)
          .setResponseMarshaller(STRING)
          .build();

  /** A unary handler: request in, response out; an exception becomes the call's status. */
  @FunctionalInterface
  interface Unary {
    String handle(String request) throws Exception;
  }

  /** A server-streaming handler writing to {@code out}. */
  @FunctionalInterface
  interface Streaming {
    void handle(String request, StreamObserver<String> out) throws Exception;
  }

  static BindableService service(Unary unary, Streaming streaming) {
    return () ->
        ServerServiceDefinition.builder("ctx4j.test.Echo")
            .addMethod(
                UNARY,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      String response;
                      try {
                        response = WARM_UP.equals(req) ? req : unary.handle(req);
                      } catch (Exception e) {
                        out.onError(io.grpc.Status.fromThrowable(e).asRuntimeException());
                        return;
                      }
                      out.onNext(response);
                      out.onCompleted();
                    }))
            .addMethod(
                STREAM,
                ServerCalls.asyncServerStreamingCall(
                    (req, out) -> {
                      try {
                        streaming.handle(req, out);
                      } catch (Exception e) {
                        out.onError(io.grpc.Status.fromThrowable(e).asRuntimeException());
                      }
                    }))
            .build();
  }

  enum Transport {
    IN_PROCESS,
    NETTY
  }

  /** A server with the ctx4j server interceptor, and a channel to it with the client one. */
  static final class Endpoint implements AutoCloseable {
    final Server server;
    final ManagedChannel channel;

    private Endpoint(Server server, ManagedChannel channel) {
      this.server = server;
      this.channel = channel;
    }

    /**
     * Starts a server for {@code service} behind the ctx4j interceptor; {@code outer} interceptors
     * wrap it (the last one is called first).
     */
    static Endpoint start(
        Transport transport, Context lifetime, BindableService service, ServerInterceptor... outer)
        throws IOException {
      ServerContextInterceptor interceptor = new ServerContextInterceptor(lifetime);
      ServerInterceptor[] all = new ServerInterceptor[outer.length + 1];
      all[0] = interceptor;
      System.arraycopy(outer, 0, all, 1, outer.length);
      ServerServiceDefinition intercepted = ServerInterceptors.intercept(service, all);
      ServerBuilder<?> sb;
      String name = "ctx4j-" + UUID.randomUUID();
      if (transport == Transport.IN_PROCESS) {
        sb = InProcessServerBuilder.forName(name);
      } else {
        sb =
            NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create());
      }
      Server server =
          sb.addStreamTracerFactory(interceptor.streamTracerFactory())
              .addService(intercepted)
              .build()
              .start();
      ManagedChannel channel =
          transport == Transport.IN_PROCESS
              ? InProcessChannelBuilder.forName(name)
                  .intercept(new ClientContextInterceptor())
                  .build()
              : nettyChannel(server.getPort());
      awaitReady(channel);
      warmUp(channel);
      return new Endpoint(server, channel);
    }

    /** A Netty channel to {@code port} on loopback, with the ctx4j client interceptor. */
    static ManagedChannel nettyChannel(int port) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port, InsecureChannelCredentials.create())
              .intercept(new ClientContextInterceptor())
              .build();
      awaitReady(channel);
      warmUp(channel);
      return channel;
    }

    /**
     * One call down the same path the tests take (a virtual thread, a context with a deadline), so
     * a test's budget is not spent loading classes.
     */
    private static void warmUp(ManagedChannel channel) {
      try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
        Thread t =
            Thread.ofVirtual()
                .start(
                    () ->
                        ctx.run(
                            () ->
                                ClientCalls.blockingUnaryCall(
                                    channel, UNARY, CallOptions.DEFAULT, WARM_UP)));
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Connects now, so a test's deadline is not spent on connecting (and loading Netty). */
    private static void awaitReady(ManagedChannel channel) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      ConnectivityState state;
      while ((state = channel.getState(true)) != ConnectivityState.READY) {
        CountDownLatch changed = new CountDownLatch(1);
        channel.notifyWhenStateChanged(state, changed::countDown);
        try {
          if (!changed.await(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("channel not ready: " + state);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow();
      server.shutdownNow();
      channel.awaitTermination(10, TimeUnit.SECONDS);
      server.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
