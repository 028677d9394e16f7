package dev.ctx4j.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.Context;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The documented answer of {@link RequestContextHandler} to a server stopping while a request is in
 * flight: the request context ends with {@link ServerStoppedException}, the handler's {@code
 * ContextException} is answered 503 — when Jetty's stop waits for requests in flight ({@code
 * Server.setStopTimeout} above zero). With a stop timeout of zero Jetty closes the connection
 * before any answer.
 */
class RequestContextHandlerStopTest {
  @Test
  void serverStops_handlerThrowsTheContextsException_client503() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    TestServer server =
        TestServer.start(
            (request, response, callback) -> {
              Context ctx = Context.current();
              entered.countDown();
              ctx.await();
              cause.complete(ctx.cause());
              ctx.throwIfDone(); // the handler's work fails with the context's exception
              return true;
            });
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> answer =
          client.sendAsync(
              HttpRequest.newBuilder(server.uri("/x")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(entered.await(10, SECONDS));
      server.server.setStopTimeout(10_000);
      server.close();
      assertInstanceOf(ServerStoppedException.class, cause.get(10, SECONDS));
      HttpResponse<String> r = answer.get(10, SECONDS);
      assertEquals(503, r.statusCode(), r.body());
    } finally {
      server.close();
    }
  }
}
