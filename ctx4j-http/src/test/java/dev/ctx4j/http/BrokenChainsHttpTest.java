package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.observe.BrokenChains;
import dev.ctx4j.observe.ContextTree;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An exchange through {@link ContextHttpClient} given {@code Context.background()} while a request
 * is current breaks the request's chain (its cancel will not abort the exchange): with tracing on
 * it is reported with the call and both sites; in the current context, or its {@code
 * withoutCancel()}, it is not.
 */
class BrokenChainsHttpTest {
  @Test
  void exchangeGivenBackgroundWhileARequestIsCurrent_isReportedWithTheCall() throws Exception {
    try (TestServer upstream =
            TestServer.start(
                (request, response, callback) -> TestServer.ok(response, callback, "ok"));
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CancellableContext request = Context.background().withTimeout(Duration.ofMinutes(1))) {
      ContextHttpClient client = ContextHttpClient.wrap(jdk);
      HttpRequest stock = HttpRequest.newBuilder(upstream.uri("/stock")).build();
      ContextTree.enable();
      try {
        long before = BrokenChains.count();
        request.call(() -> client.send(stock, HttpResponse.BodyHandlers.ofString()));
        request.call(
            () ->
                client.send(request.withoutCancel(), stock, HttpResponse.BodyHandlers.ofString()));
        assertEquals(before, BrokenChains.count(), () -> BrokenChains.recent().toString());
        String body =
            request.call(
                () ->
                    client
                        .send(Context.background(), stock, HttpResponse.BodyHandlers.ofString())
                        .body());
        assertEquals("ok", body, "reported, not refused");
        assertEquals(before + 1, BrokenChains.count(), () -> BrokenChains.recent().toString());
        BrokenChains.Report r = BrokenChains.recent().get(0);
        assertTrue(r.call().startsWith("HTTP ") && r.call().contains("/stock"), r.call());
        assertEquals("Context.background", r.context());
        assertTrue(
            r.site().contains("BrokenChainsHttpTest.lambda$exchangeGivenBackground"), r.site());
        assertTrue(r.current().contains("withTimeout(1m0s)"), r.current());
        Tracing.off();
        request.call(
            () -> client.send(Context.background(), stock, HttpResponse.BodyHandlers.ofString()));
        assertEquals(before + 1, BrokenChains.count(), "nothing is checked with tracing off");
      } finally {
        Tracing.off();
      }
    }
  }
}
