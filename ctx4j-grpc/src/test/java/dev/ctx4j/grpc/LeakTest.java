package dev.ctx4j.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.grpc.Wire.Endpoint;
import dev.ctx4j.grpc.Wire.Transport;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A million calls through the bridge and the interceptors leave no listener, timer or context
 * behind, and the heap where it was.
 *
 * <p>1,000,000 iterations run through the bridge functions and through both interceptors' logic
 * directly (fake calls, no transport); real in-process calls number 100,000 by default, because a
 * million real calls do not fit this module's test budget on a 2-core machine. Run the full million
 * with {@code -Dctx4j.grpc.leakCalls=1000000}.
 */
class LeakTest {
  private static final int ITERATIONS = 1_000_000;
  private static final int REAL_CALLS = Integer.getInteger("ctx4j.grpc.leakCalls", 100_000);

  /** Heap growth that counts as flat: a leak of one small object per call is 10x more. */
  private static final long FLAT_BYTES = 16L << 20;

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void bridge_millionLinksBothWays_leaveNoListenerTimerOrHeap() throws Exception {
    io.grpc.Context.CancellableContext grpcParent = io.grpc.Context.ROOT.withCancellation();
    CancellableContext lifetime = Context.background().withCancel();
    int timers = Internals.pendingTimers();
    IllegalStateException why = new IllegalStateException("stop");
    bridgeRound(grpcParent, lifetime, why, 20_000); // warm up before the heap is measured
    long before = Internals.usedHeapAfterGc();

    bridgeRound(grpcParent, lifetime, why, ITERATIONS);

    assertEquals(0, Internals.grpcListeners(grpcParent), "grpc listeners left");
    assertEquals(0, Internals.dependents(lifetime), "ctx4j dependents left");
    assertEquals(timers, Internals.pendingTimers(), "ctx4j timers left");
    assertFlat(before);
    lifetime.cancel();
    grpcParent.cancel(null);
  }

  private static void bridgeRound(
      io.grpc.Context.CancellableContext grpcParent,
      CancellableContext lifetime,
      Throwable why,
      int n)
      throws ReflectiveOperationException {
    for (int i = 0; i < n; i++) {
      boolean grpcFirst = (i & 1) == 0;
      // grpc → ctx4j: a per-call grpc context with no cancellable ancestor (as a server call's),
      // mirrored under the long-lived lifetime
      io.grpc.Context.CancellableContext g = io.grpc.Context.ROOT.withCancellation();
      CancellableContext c = GrpcContexts.fromGrpc(g, lifetime);
      if (grpcFirst) {
        g.cancel(why);
        c.cancel();
      } else {
        c.cancel();
        g.cancel(null);
      }
      if (Internals.grpcListeners(g) != 0) {
        throw new AssertionError("grpc listener left on call " + i);
      }
      // ctx4j → grpc: a timed ctx4j context (a timer armed), mirrored under the grpc parent
      CancellableContext t = lifetime.withTimeout(Duration.ofHours(1));
      io.grpc.Context.CancellableContext h = GrpcContexts.toGrpc(t, grpcParent);
      if (grpcFirst) {
        h.cancel(null);
        t.cancel(why);
      } else {
        t.cancel(why);
        h.cancel(null); // the owner's cancel; the bridge's own arrives later and does nothing
      }
    }
  }

  @Test
  void interceptors_millionCallsWithoutTransport_leaveNoListenerTimerOrHeap() throws Exception {
    CancellableContext serverLifetime = Context.background().withCancel();
    CancellableContext clientLifetime = Context.background().withCancel();
    ServerContextInterceptor server = new ServerContextInterceptor(serverLifetime);
    ClientContextInterceptor client = new ClientContextInterceptor();
    int timers = Internals.pendingTimers();
    interceptorRound(server, client, clientLifetime, 20_000);
    long before = Internals.usedHeapAfterGc();

    interceptorRound(server, client, clientLifetime, ITERATIONS);

    assertEquals(0, Internals.dependents(serverLifetime), "server contexts left");
    assertEquals(0, Internals.dependents(clientLifetime), "client contexts left");
    assertEquals(timers, Internals.pendingTimers(), "ctx4j timers left");
    assertFlat(before);
  }

  private static void interceptorRound(
      ServerContextInterceptor server,
      ClientContextInterceptor client,
      Context clientLifetime,
      int n)
      throws Exception {
    CountDownLatch closed = new CountDownLatch(n);
    AtomicInteger handled = new AtomicInteger();
    ServerCallHandler<String, String> handler =
        (call, headers) ->
            new ServerCall.Listener<>() {
              @Override
              public void onHalfClose() {
                if (Context.current().deadline().isPresent()) {
                  handled.incrementAndGet();
                }
              }
            };
    ClientCall.Listener<String> onClose =
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.countDown();
          }
        };
    for (int i = 0; i < n; i++) {
      boolean cancelled = (i & 1) == 0;
      // server: what ServerImpl does around the interceptor, with a 1 h deadline
      io.grpc.Context.CancellableContext g =
          io.grpc.Context.ROOT.withDeadline(
              io.grpc.Deadline.after(1, TimeUnit.HOURS), NoTimer.INSTANCE);
      ServerCall.Listener<String> listener =
          g.call(() -> server.interceptCall(new FakeServerCall(), new Metadata(), handler));
      listener.onHalfClose();
      if (cancelled) {
        g.cancel(Status.CANCELLED.asRuntimeException());
        listener.onCancel();
      } else {
        listener.onComplete();
      }
      g.cancel(null);
      if (Internals.grpcListeners(g) != 0) {
        throw new AssertionError("grpc listener left on call " + i);
      }
      // client: a timed context cancelled mid-call, or a call that completes first
      CancellableContext ctx = clientLifetime.withTimeout(Duration.ofHours(1));
      FakeClientCall fake = new FakeClientCall();
      ClientCall<String, String> call =
          client.interceptCall(
              Wire.UNARY,
              CallOptions.DEFAULT.withOption(ClientContextInterceptor.CONTEXT, ctx),
              new OneCallChannel(fake, "fake"));
      call.start(onClose, new Metadata());
      if (cancelled) {
        ctx.cancel();
      } else {
        fake.close(Status.OK);
        ctx.cancel();
      }
    }
    assertTrue(
        closed.await(WAIT.toSeconds(), TimeUnit.SECONDS),
        () -> closed.getCount() + " of " + n + " calls still open");
    assertEquals(n, handled.get(), "every handler saw its deadline");
  }

  /**
   * Measures grpc's own leak: a cancellable grpc context nested under another keeps one entry in
   * the outer one for each inner context that had a listener, until the outer one is cancelled. The
   * bridge costs exactly what any one listener costs, no more.
   */
  @Test
  void nestedGrpcContexts_bridgeCostsWhatOnePlainListenerCosts() throws Exception {
    int n = 10_000;
    io.grpc.Context.CancellableContext plainOuter = io.grpc.Context.ROOT.withCancellation();
    for (int i = 0; i < n; i++) {
      io.grpc.Context.CancellableContext g = plainOuter.withCancellation();
      g.addListener(c -> {}, Runnable::run);
      g.cancel(null);
    }
    io.grpc.Context.CancellableContext bridgedOuter = io.grpc.Context.ROOT.withCancellation();
    for (int i = 0; i < n; i++) {
      io.grpc.Context.CancellableContext g = bridgedOuter.withCancellation();
      CancellableContext c = GrpcContexts.fromGrpc(g, Context.background());
      g.cancel(null);
      c.cancel();
    }
    int plain = Internals.grpcListeners(plainOuter);
    int bridged = Internals.grpcListeners(bridgedOuter);
    System.out.printf(
        "grpc entries kept by an outer context after %,d inner ones: plain listener %,d, bridge"
            + " %,d%n",
        n, plain, bridged);
    assertEquals(plain, bridged, "the bridge adds nothing to grpc's own leak");
    plainOuter.cancel(null);
    bridgedOuter.cancel(null);
    assertEquals(0, Internals.grpcListeners(bridgedOuter), "cancelling the outer one clears it");
  }

  @Test
  void realInProcessCalls_leaveNoContextTimerOrHeap() throws Exception {
    CancellableContext serverLifetime = Context.background().withCancel();
    CancellableContext clientLifetime = Context.background().withCancel();
    int warmUp = 5_000;
    CountDownLatch finished = new CountDownLatch(warmUp + REAL_CALLS + 1); // + Endpoint's warm-up
    Wire.Unary handler = req -> Context.current().deadline().isPresent() ? "ok" : "no deadline";
    int timers = Internals.pendingTimers();
    try (Endpoint e =
        Endpoint.start(
            Transport.IN_PROCESS,
            serverLifetime,
            Wire.service(handler, null),
            countingCompletions(finished))) {
      calls(e, clientLifetime, warmUp);
      long before = Internals.usedHeapAfterGc();

      calls(e, clientLifetime, REAL_CALLS);

      assertTrue(finished.await(WAIT.toSeconds(), TimeUnit.SECONDS), "every call finished");
      assertEquals(0, Internals.dependents(serverLifetime), "server contexts left");
      assertEquals(0, Internals.dependents(clientLifetime), "client contexts left");
      assertEquals(timers, Internals.pendingTimers(), "ctx4j timers left");
      assertFlat(before);
    }
  }

  private static void calls(Endpoint e, Context clientLifetime, int n) throws Exception {
    int threads = 4;
    AtomicBoolean wrong = new AtomicBoolean();
    Thread[] workers = new Thread[threads];
    for (int w = 0; w < threads; w++) {
      int share = n / threads + (w < n % threads ? 1 : 0);
      workers[w] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < share; i++) {
                      try (CancellableContext ctx =
                          clientLifetime.withTimeout(Duration.ofHours(1))) {
                        String r =
                            ctx.call(
                                () ->
                                    ClientCalls.blockingUnaryCall(
                                        e.channel, Wire.UNARY, CallOptions.DEFAULT, "x"));
                        if (!"ok".equals(r)) {
                          wrong.set(true);
                        }
                      } catch (Exception ex) {
                        wrong.set(true);
                      }
                    }
                  });
    }
    for (Thread t : workers) {
      t.join();
    }
    assertTrue(!wrong.get(), "every call answered ok");
  }

  /** Counts calls whose server side is over: outside the ctx4j interceptor, so after it. */
  private static ServerInterceptor countingCompletions(CountDownLatch finished) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
            next.startCall(call, headers)) {
          @Override
          public void onComplete() {
            try {
              super.onComplete();
            } finally {
              finished.countDown();
            }
          }

          @Override
          public void onCancel() {
            try {
              super.onCancel();
            } finally {
              finished.countDown();
            }
          }
        };
      }
    };
  }

  private static void assertFlat(long before) {
    long after = Internals.usedHeapAfterGc();
    long grown = after - before;
    System.out.printf("heap before %,d bytes, after %,d bytes, grown %,d%n", before, after, grown);
    assertTrue(grown < FLAT_BYTES, "heap grew by " + grown + " bytes");
  }

  /** A server call that accepts everything and sends nowhere. */
  private static final class FakeServerCall extends ServerCall<String, String> {
    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return Wire.UNARY;
    }
  }

  /** A client call that closes once: on cancel, or when the test completes it. */
  private static final class FakeClientCall extends ClientCall<String, String> {
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Listener<String> listener;

    @Override
    public void start(Listener<String> responseListener, Metadata headers) {
      listener = responseListener;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {
      close(Status.CANCELLED.withDescription(message).withCause(cause));
    }

    void close(Status status) {
      if (closed.compareAndSet(false, true)) {
        listener.onClose(status, new Metadata());
      }
    }

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(String message) {}
  }
}
