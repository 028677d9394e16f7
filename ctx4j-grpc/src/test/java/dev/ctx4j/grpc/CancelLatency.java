package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.grpc.Wire.Endpoint;
import dev.ctx4j.grpc.Wire.Transport;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Latency from a client's {@code cancel()} to the server handler waking from {@code await()} on its
 * call context, over real calls. A measurement, not a test: nothing is asserted.
 *
 * <pre>
 * mvn -B -ntp -q -pl ctx4j-grpc -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp ctx4j-grpc/target/test-classes:ctx4j-grpc/target/classes:ctx4j-core/target/classes:$(cat ctx4j-grpc/target/cp.txt) \
 *     dev.ctx4j.grpc.CancelLatency [calls]
 * </pre>
 */
public final class CancelLatency {
  private CancelLatency() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    System.out.printf(
        "JDK %s, %d CPUs; %d calls per transport after 200 warm-up calls%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), calls);
    for (Transport t : Transport.values()) {
      long[] nanos = measure(t, 200); // warm-up, discarded
      nanos = measure(t, calls);
      Arrays.sort(nanos);
      System.out.printf(
          "%-10s p50 %7.1f us   p99 %7.1f us   max %7.1f us%n",
          t, pct(nanos, 50), pct(nanos, 99), nanos[nanos.length - 1] / 1e3);
    }
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e3;
  }

  private static long[] measure(Transport transport, int calls) throws Exception {
    SynchronousQueue<Long> woke = new SynchronousQueue<>();
    CountDownLatch[] entered = new CountDownLatch[1];
    Wire.Unary handler =
        req -> {
          Context ctx = Context.current();
          entered[0].countDown();
          ctx.await();
          woke.put(System.nanoTime());
          return "cancelled";
        };
    long[] out = new long[calls];
    try (Endpoint e =
        Endpoint.start(transport, Context.background(), Wire.service(handler, null))) {
      for (int i = 0; i < calls; i++) {
        entered[0] = new CountDownLatch(1);
        CancellableContext client = Context.background().withCancel();
        Thread caller =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        client.call(
                            () ->
                                ClientCalls.blockingUnaryCall(
                                    e.channel, Wire.UNARY, CallOptions.DEFAULT, "x"));
                      } catch (Exception expected) {
                        // CANCELLED
                      }
                    });
        if (!entered[0].await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("handler not entered");
        }
        long start = System.nanoTime();
        client.cancel();
        Long end = woke.poll(10, TimeUnit.SECONDS);
        if (end == null) {
          throw new IllegalStateException("server context not done");
        }
        out[i] = end - start;
        caller.join();
      }
    }
    return out;
  }
}
