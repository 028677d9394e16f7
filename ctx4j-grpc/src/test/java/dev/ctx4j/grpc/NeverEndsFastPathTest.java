package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client interceptor watches only contexts that can end: for those that never can (roots,
 * {@code withoutCancel()}, value chains over them; core's one answer) it hands back the channel's
 * own call, unwrapped.
 */
class NeverEndsFastPathTest {
  /** A call that does nothing: the test only compares identities. */
  private static final class InertCall extends ClientCall<String, String> {
    @Override
    public void start(Listener<String> listener, Metadata headers) {}

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(String message) {}
  }

  @Test
  void neverEndingContexts_getTheUnwrappedCall_othersAreWatched() {
    ClientContextInterceptor client = new ClientContextInterceptor();
    InertCall inert = new InertCall();
    OneCallChannel channel = new OneCallChannel(inert, "fake");
    Key<String> key = Key.named("k");
    try (CancellableContext live = Context.background().withCancel()) {
      for (Context ctx :
          List.of(
              Context.background(),
              Context.todo().withValue(key, "v"),
              live.withoutCancel(),
              live.withValue(key, "v").withoutCancel().withValue(key, "w"))) {
        ClientCall<String, String> call =
            client.interceptCall(
                Wire.UNARY,
                CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, ctx),
                channel);
        assertSame(inert, call, ctx + ": nothing to watch");
      }
      ClientCall<String, String> watched =
          client.interceptCall(
              Wire.UNARY,
              CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, live.readOnly()),
              channel);
      assertNotSame(inert, watched, "a context that can end is watched");
    }
  }
}
