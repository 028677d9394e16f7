package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.Context;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import dev.ctx4j.junit.internal.ChainCapture;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
import org.junit.jupiter.api.Test;

/**
 * The server side's steps as hops of a chain, on a real Jetty server: an HTTP/2 client resetting
 * its stream and a server stopped with a request in flight each begin a chain in the server's lane,
 * naming the request. (A woken waiter as a hop is core's TracingChainTest: here the reset may land
 * before the handler parks.)
 */
class ServerChainHopsTest {
  /** A handler that parks on its request context until it ends. */
  private static final class Parking implements TestServer.App {
    final CountDownLatch entered = new CountDownLatch(1);
    final CompletableFuture<Context> context = new CompletableFuture<>();

    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback)
        throws Exception {
      context.complete(Context.current());
      entered.countDown();
      Context.current().await(Duration.ofSeconds(30));
      callback.succeeded();
      return true;
    }
  }

  @Test
  void http2_clientResetsItsStream_theChainBeginsInTheServersLane_atTheRequestContext()
      throws Exception {
    Parking app = new Parking();
    HTTP2Client h2 = new HTTP2Client();
    h2.start();
    try (ChainCapture capture = new ChainCapture();
        TestServer server =
            TestServer.start(
                app, b -> b.parent(Context.background().withValue(Trace.SERVICE, "h2-service")))) {
      Session session =
          h2.connect(new InetSocketAddress("127.0.0.1", server.port), new Session.Listener() {})
              .get(10, SECONDS);
      MetaData.Request get =
          new MetaData.Request(
              "GET", HttpURI.from(server.uri("/park")), HttpVersion.HTTP_2, HttpFields.EMPTY);
      Stream stream = session.newStream(new HeadersFrame(get, null, true), null).get(10, SECONDS);
      assertTrue(app.entered.await(10, SECONDS));
      stream
          .reset(new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code))
          .get(10, SECONDS);
      TraceSink.Start chain = capture.awaitStart("GET /park");
      assertInstanceOf(ClientDisconnectedException.class, chain.cause());
      assertEquals("h2-service", chain.service());
      assertEquals(
          Trace.ref(app.context.get(10, SECONDS)),
          Trace.ref(chain.origin()),
          "the request context is the origin");
      assertFalse(chain.thread().isBlank());
      TraceSink.Hop origin = capture.await(HopKind.CANCELLED);
      assertEquals(Trace.ref(chain.origin()), origin.ref(), "the chain's first hop: the request");
    } finally {
      h2.stop();
    }
  }

  @Test
  void serverStop_requestInFlight_aChainFromTheLifetime_reachingTheRequestContext()
      throws Exception {
    Parking app = new Parking();
    try (ChainCapture capture = new ChainCapture()) {
      TestServer server =
          TestServer.start(
              app, b -> b.parent(Context.background().withValue(Trace.SERVICE, "stopping")));
      try (Socket socket = server.rawGet("/park")) {
        assertTrue(app.entered.await(10, SECONDS));
        Context request = app.context.get(10, SECONDS);
        server.close();
        assertTrue(request.await(Duration.ofSeconds(30)), "the request context ended");
        TraceSink.Start chain =
            capture.starts.stream()
                .filter(s -> s.cause() instanceof ServerStoppedException)
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no server-stopped chain in " + capture.starts));
        assertEquals("stopping", chain.service());
        assertEquals(Trace.ref(server.contextHandler.lifetime()), Trace.ref(chain.origin()));
        boolean reached =
            capture.hops.stream()
                .anyMatch(
                    h ->
                        h.kind() == HopKind.REACHED
                            && Trace.ref(h.context()).equals(Trace.ref(request)));
        assertTrue(reached, "the request context is a hop of the stop's chain: " + capture.hops);
      } finally {
        server.close();
      }
    }
  }
}
