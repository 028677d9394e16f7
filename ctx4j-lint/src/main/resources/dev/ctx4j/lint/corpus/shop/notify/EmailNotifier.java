package shop.notify;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.http.ContextHttpClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import shop.orders.Order;

/** Sends mail through the mail provider's HTTP API. */
public final class EmailNotifier implements Notifier {
  private final ContextHttpClient http;
  private final URI api;

  public EmailNotifier(ContextHttpClient http, URI api) {
    this.http = http;
    this.api = api;
  }

  @Override
  public void orderShipped(Order order) throws Exception {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(5))) { // expect: broken-chain
      HttpRequest mail =
          HttpRequest.newBuilder(api.resolve("/send"))
              .POST(HttpRequest.BodyPublishers.ofString(order.customer() + ": shipped " + order.id()))
              .build();
      ctx.call(() -> http.send(mail, HttpResponse.BodyHandlers.discarding()));
    }
  }
}
