package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.util.Iterator;

/**
 * The client of {@link GrpcFaultsTest}'s client-kill case, in a process of its own: connects to
 * {@code 127.0.0.1:port} (the only argument), starts a server-streaming call with no deadline,
 * prints {@code streaming} once the first message arrived, then waits for more; the test kills the
 * process (SIGKILL) mid-stream.
 */
public final class KilledClientMain {
  private KilledClientMain() {}

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Wire.Endpoint.nettyChannel(Integer.parseInt(args[0]));
    Iterator<String> it =
        Context.background()
            .call(
                () ->
                    ClientCalls.blockingServerStreamingCall(
                        channel, Wire.STREAM, CallOptions.DEFAULT, "go"));
    String first = it.next();
    System.out.println("streaming " + first);
    System.out.flush();
    boolean more = it.hasNext(); // the server sends nothing more: this waits until the kill
    System.out.println("ended " + more);
  }
}
