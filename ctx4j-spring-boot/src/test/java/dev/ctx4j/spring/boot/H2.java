package dev.ctx4j.spring.boot;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;

/**
 * An h2c client with prior knowledge (Jetty's low-level HTTP/2 client): several streams on one
 * connection, each of which can be reset on its own, and a connection that can be cut.
 */
final class H2 implements AutoCloseable {
  private final HTTP2Client client = new HTTP2Client();
  private final int port;

  H2(int port) throws Exception {
    this.port = port;
    client.start();
  }

  /** A new connection. */
  Session connect() throws Exception {
    return client
        .connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {})
        .get(10, SECONDS);
  }

  /** A response: status and body, or the stream's reset. */
  record Response(int status, String body) {}

  /** A request in flight: its stream and its response to come. */
  record Exchange(Stream stream, CompletableFuture<Response> response) {
    /** Resets the stream (CANCEL), as a client that gave up does. */
    void reset() throws Exception {
      stream
          .reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code))
          .get(10, SECONDS);
    }
  }

  /** Sends a GET for {@code path} on {@code session}, on a new stream. */
  Exchange get(Session session, String path) throws Exception {
    MetaData.Request request =
        new MetaData.Request(
            "GET",
            HttpURI.from("http://127.0.0.1:" + port + path),
            HttpVersion.HTTP_2,
            HttpFields.EMPTY);
    CompletableFuture<Response> response = new CompletableFuture<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int[] status = {0};
    Stream.Listener listener =
        new Stream.Listener() {
          @Override
          public void onHeaders(Stream stream, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Response r) {
              status[0] = r.getStatus();
            }
            if (frame.isEndStream()) {
              response.complete(new Response(status[0], ""));
            } else {
              stream.demand();
            }
          }

          @Override
          public void onDataAvailable(Stream stream) {
            Stream.Data data = stream.readData();
            if (data == null) {
              stream.demand();
              return;
            }
            ByteBuffer b = data.frame().getByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            body.write(bytes, 0, bytes.length);
            boolean end = data.frame().isEndStream();
            data.release();
            if (end) {
              response.complete(new Response(status[0], body.toString(StandardCharsets.UTF_8)));
            } else {
              stream.demand();
            }
          }

          @Override
          public void onReset(
              Stream stream, ResetFrame frame, org.eclipse.jetty.util.Callback callback) {
            response.completeExceptionally(
                new IllegalStateException("stream reset by the server: " + frame));
            callback.succeeded();
          }
        };
    Stream stream =
        session.newStream(new HeadersFrame(request, null, true), listener).get(10, SECONDS);
    return new Exchange(stream, response);
  }

  /** Cuts {@code session}'s TCP connection without a GOAWAY, as a client that crashed. */
  static void cut(Session session) {
    ((HTTP2Session) session).getEndPoint().close();
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }
}
