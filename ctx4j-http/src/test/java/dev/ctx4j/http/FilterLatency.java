package dev.ctx4j.http;

import dev.ctx4j.Context;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;

/**
 * Latency from "client goes away" to "servlet behind {@link ContextFilter} woken", over loopback,
 * next to the same figure for {@link RequestContextHandler} measured in the same run. A
 * measurement, not a test; run it like {@link HttpLatency}: {@code dev.ctx4j.http.FilterLatency
 * [rounds]}.
 */
public final class FilterLatency {
  private static final int WARMUP = 20;
  private static final LinkedBlockingQueue<Long> entered = new LinkedBlockingQueue<>();
  private static final LinkedBlockingQueue<Long> woke = new LinkedBlockingQueue<>();

  private FilterLatency() {}

  private static void park() throws InterruptedException {
    Context ctx = Context.current();
    entered.add(System.nanoTime());
    ctx.await(Duration.ofSeconds(30));
    woke.add(System.nanoTime());
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (FilterServer filter = FilterServer.with((request, response) -> park()).start();
        TestServer handler =
            TestServer.start(
                (request, response, callback) -> {
                  park();
                  callback.failed(new java.io.IOException("request context ended"));
                  return true;
                })) {
      for (int pass = 0; pass < 2; pass++) { // interleaved, so load hits both alike
        report("filter  HTTP/1.1 close -> servlet woken", http1(filter.port, rounds));
        report("handler HTTP/1.1 close -> handler woken", http1(handler.port, rounds));
        report("filter  HTTP/2 RST_STREAM -> servlet woken", http2(filter.port, rounds));
        report("handler HTTP/2 RST_STREAM -> handler woken", http2(handler.port, rounds));
      }
    }
  }

  private static long[] http1(int port, int rounds) throws Exception {
    long[] out = new long[rounds];
    for (int i = -WARMUP; i < rounds; i++) {
      Socket socket = new Socket("127.0.0.1", port);
      OutputStream o = socket.getOutputStream();
      o.write(TestServer.requestText("/").getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      take(entered);
      long t0 = System.nanoTime();
      socket.close();
      long t1 = take(woke);
      if (i >= 0) {
        out[i] = t1 - t0;
      }
    }
    return out;
  }

  private static long[] http2(int port, int rounds) throws Exception {
    long[] out = new long[rounds];
    HTTP2Client h2 = new HTTP2Client();
    h2.start();
    try {
      MetaData.Request get =
          new MetaData.Request(
              "GET",
              HttpURI.from("http://127.0.0.1:" + port + "/"),
              HttpVersion.HTTP_2,
              HttpFields.EMPTY);
      for (int i = -WARMUP; i < rounds; i++) {
        Session session =
            h2.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {})
                .get(10, TimeUnit.SECONDS);
        Stream stream =
            session.newStream(new HeadersFrame(get, null, true), null).get(10, TimeUnit.SECONDS);
        take(entered);
        long t0 = System.nanoTime();
        stream.reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code));
        long t1 = take(woke);
        session.close(ErrorCode.NO_ERROR.code, "round done", org.eclipse.jetty.util.Callback.NOOP);
        if (i >= 0) {
          out[i] = t1 - t0;
        }
      }
    } finally {
      h2.stop();
    }
    return out;
  }

  private static long take(LinkedBlockingQueue<Long> q) throws InterruptedException {
    Long v = q.poll(30, TimeUnit.SECONDS);
    if (v == null) {
      throw new IllegalStateException("no event within 30 s");
    }
    return v;
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-46s n=%d  p50=%.2f ms  p99=%.2f ms  max=%.2f ms%n",
        what,
        sorted.length,
        sorted[(int) Math.ceil(sorted.length * 0.50) - 1] / 1e6,
        sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }
}
