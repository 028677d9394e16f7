package dev.ctx4j.http;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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
 * Latency from "context ends" (or "client goes away") to "work stopped", over loopback, printed as
 * p50/p99/max. A measurement, not a test; figures go to docs/latency-http.md.
 *
 * <pre>
 * mvn -B -ntp -q -pl ctx4j-http -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test -Dspotless.check.skip=true
 * java -cp ctx4j-http/target/classes:ctx4j-http/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.ctx4j.http.HttpLatency [rounds]
 * </pre>
 */
public final class HttpLatency {
  private static final int WARMUP = 20;

  private HttpLatency() {}

  private static final LinkedBlockingQueue<Long> entered = new LinkedBlockingQueue<>();

  private static final LinkedBlockingQueue<Long> woke = new LinkedBlockingQueue<>();

  /**
   * What the measured handler (or servlet, in {@link FilterLatency}) does: parks until its request
   * context ends, reporting when it entered and when it woke.
   */
  static void park() throws InterruptedException {
    Context ctx = Context.current();
    entered.add(System.nanoTime());
    ctx.await(Duration.ofSeconds(30));
    woke.add(System.nanoTime());
  }

  /** {@link TestServer}'s handler: {@link #park}, then fail the request. */
  static TestServer parkingServer() throws Exception {
    return TestServer.start(
        (request, response, callback) -> {
          park();
          callback.failed(new java.io.IOException("request context ended"));
          return true;
        });
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (TestServer server = parkingServer()) {
      report("HTTP client abort (cancel -> send fails)", clientAbort(server, rounds));
      report("HTTP/1.1 disconnect detection (close -> handler woken)", http1(server.port, rounds));
      report(
          "HTTP/2 disconnect detection (RST_STREAM -> handler woken)", http2(server.port, rounds));
    }
  }

  private static long[] clientAbort(TestServer server, int rounds) throws Exception {
    long[] out = new long[rounds];
    try (HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      ContextHttpClient client = ContextHttpClient.wrap(jdk);
      HttpRequest get = HttpRequest.newBuilder(server.uri("/")).build();
      for (int i = -WARMUP; i < rounds; i++) {
        CancellableContext ctx = Context.background().withCancel();
        CompletableFuture<HttpResponse<String>> f =
            client.sendAsync(ctx, get, HttpResponse.BodyHandlers.ofString());
        take(entered);
        long t0 = System.nanoTime();
        ctx.cancel();
        long t1;
        try {
          f.join();
          throw new IllegalStateException("exchange was not aborted");
        } catch (java.util.concurrent.CancellationException e) {
          t1 = System.nanoTime();
        }
        take(woke); // the server saw it too before the next round
        if (i >= 0) {
          out[i] = t1 - t0;
        }
      }
    }
    return out;
  }

  /** Client closes an HTTP/1.1 connection mid-request -> the server side {@link #park} woken. */
  static long[] http1(int port, int rounds) throws Exception {
    long[] out = new long[rounds];
    for (int i = -WARMUP; i < rounds; i++) {
      Socket socket = new Socket("127.0.0.1", port);
      socket
          .getOutputStream()
          .write(TestServer.requestText("/").getBytes(StandardCharsets.ISO_8859_1));
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

  /** Client resets an HTTP/2 stream mid-request -> the server side {@link #park} woken. */
  static long[] http2(int port, int rounds) throws Exception {
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
        // A session per round: the timed part is only the reset and the handler's wake-up.
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

  static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "%-58s n=%d  p50=%.2f ms  p99=%.2f ms  max=%.2f ms%n",
        what,
        sorted.length,
        sorted[(int) Math.ceil(sorted.length * 0.50) - 1] / 1e6,
        sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }
}
