package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The server of {@link GrpcFaultsTest}'s kill case, in a process of its own: a Netty server with
 * the ctx4j interceptor whose streaming method sends one message and then waits on its context.
 * Prints {@code port N}; the test kills the process (SIGKILL) mid-stream.
 */
public final class KilledServerMain {
  private KilledServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerContextInterceptor interceptor = new ServerContextInterceptor();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create())
            .addStreamTracerFactory(interceptor.streamTracerFactory())
            .addService(
                ServerInterceptors.intercept(
                    Wire.service(
                        req -> req,
                        (req, out) -> {
                          out.onNext("first");
                          Context.current().await();
                        }),
                    interceptor))
            .build()
            .start();
    System.out.println("port " + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }
}
