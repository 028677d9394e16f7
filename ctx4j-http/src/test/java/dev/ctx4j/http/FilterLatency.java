package dev.ctx4j.http;

import static dev.ctx4j.http.HttpLatency.http1;
import static dev.ctx4j.http.HttpLatency.http2;
import static dev.ctx4j.http.HttpLatency.report;

/**
 * Latency from "client goes away" to "servlet behind {@link ContextFilter} woken", over loopback,
 * next to the same figure for {@link RequestContextHandler} measured in the same run. A
 * measurement, not a test; run it like {@link HttpLatency}: {@code dev.ctx4j.http.FilterLatency
 * [rounds]}.
 */
public final class FilterLatency {
  private FilterLatency() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    try (FilterServer filter =
            FilterServer.with((request, response) -> HttpLatency.park()).start();
        TestServer handler = HttpLatency.parkingServer()) {
      for (int pass = 0; pass < 2; pass++) { // interleaved, so load hits both alike
        report("filter  HTTP/1.1 close -> servlet woken", http1(filter.port, rounds));
        report("handler HTTP/1.1 close -> handler woken", http1(handler.port, rounds));
        report("filter  HTTP/2 RST_STREAM -> servlet woken", http2(filter.port, rounds));
        report("handler HTTP/2 RST_STREAM -> handler woken", http2(handler.port, rounds));
      }
    }
  }
}
