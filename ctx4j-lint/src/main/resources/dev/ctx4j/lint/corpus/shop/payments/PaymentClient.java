package shop.payments;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the payment provider over HTTP, retrying 503s. */
public final class PaymentClient {
  private static final int ATTEMPTS = 3;
  private final HttpClient http;
  private final URI base;

  public PaymentClient(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  /** Each attempt has its own budget; a retried attempt leaks it through 'continue'. */
  public String charge(Context ctx, String orderId, long cents) throws Exception {
    for (int attempt = 1; ; attempt++) {
      CancellableContext call = ctx.withTimeout(Duration.ofSeconds(2)); // expect: lost-cancel
      HttpResponse<String> r =
          call.callInterruptibly(
              () -> http.send(post("/charges", orderId, cents), HttpResponse.BodyHandlers.ofString()));
      if (r.statusCode() == 503 && attempt < ATTEMPTS) {
        continue;
      }
      call.cancel();
      return body(r);
    }
  }

  /** The same retry loop with the attempt's context closed by try-with-resources. */
  public String refund(Context ctx, String orderId, long cents) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try (CancellableContext call = ctx.withTimeout(Duration.ofSeconds(2))) {
        HttpResponse<String> r =
            call.callInterruptibly(
                () ->
                    http.send(
                        post("/refunds", orderId, cents), HttpResponse.BodyHandlers.ofString()));
        if (r.statusCode() == 503 && attempt < ATTEMPTS) {
          continue;
        }
        return body(r);
      }
    }
  }

  /** Cancels explicitly before retrying. */
  public String status(Context ctx, String chargeId) throws Exception {
    int attempt = 0;
    while (true) {
      attempt++;
      CancellableContext call = ctx.withTimeout(Duration.ofMillis(800));
      HttpResponse<String> r =
          call.callInterruptibly(
              () -> http.send(get("/charges/" + chargeId), HttpResponse.BodyHandlers.ofString()));
      call.cancel();
      if (r.statusCode() == 503 && attempt < ATTEMPTS) {
        ctx.sleep(Duration.ofMillis(100L * attempt));
        continue;
      }
      return body(r);
    }
  }

  /** Backs off with Thread.sleep, which ignores the context. */
  public String capture(Context ctx, String chargeId) throws Exception {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpResponse<String> r =
          ctx.callInterruptibly(
              () -> http.send(post("/captures", chargeId, 0), HttpResponse.BodyHandlers.ofString()));
      if (r.statusCode() != 503) {
        return body(r);
      }
      Thread.sleep(200L * attempt); // expect: blocking-without-context
    }
    throw new IOException("payment provider unavailable");
  }

  /** A plain send while a context is in scope. */
  public int ping(Context ctx) throws Exception {
    return http.send(get("/health"), HttpResponse.BodyHandlers.discarding()).statusCode(); // expect: blocking-without-context
  }

  private HttpRequest post(String path, String id, long cents) {
    return HttpRequest.newBuilder(base.resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"cents\":" + cents + "}"))
        .build();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).GET().build();
  }

  private static String body(HttpResponse<String> r) throws IOException {
    if (r.statusCode() >= 400) {
      throw new IOException("payment provider said " + r.statusCode());
    }
    return r.body();
  }
}
