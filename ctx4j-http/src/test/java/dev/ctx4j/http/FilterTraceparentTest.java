package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ctx4j.internal.Trace;
import dev.ctx4j.junit.internal.ChainCapture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Servlet filter reads the remote parent as the Jetty handler does (ADR 0092): a valid W3C
 * {@code traceparent} when no {@code Ctx4j-Parent} came, a {@code Ctx4j-Parent} over it, and
 * nothing from a malformed, repeated or oversized value — each request served.
 */
class FilterTraceparentTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private int get(FilterServer server, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void traceparent_isTheRemoteParent_ctx4jParentWins_badValuesIgnored() throws Exception {
    try (ChainCapture capture = new ChainCapture();
        FilterServer server =
            FilterServer.with((request, response) -> response.getWriter().print("ok")).start()) {
      assertEquals(200, get(server, "/w3c", Trace.TRACEPARENT, VALID));
      assertEquals("w3c:" + TRACE + "-" + SPAN, capture.awaitStart("GET /w3c").remoteParent());

      assertEquals(
          200, get(server, "/both", Trace.TRACEPARENT, VALID, ChainHeader.NAME, "abc-1.1f"));
      assertEquals("abc-1.1f", capture.awaitStart("GET /both").remoteParent());

      List<String> bad =
          List.of(
              "00-" + "0".repeat(32) + "-" + SPAN + "-01", // all-zero trace id
              "00-" + TRACE + "-" + "0".repeat(16) + "-01", // all-zero parent id
              "ff-" + TRACE + "-" + SPAN + "-01", // version ff
              "00-" + TRACE.toUpperCase(java.util.Locale.ROOT) + "-" + SPAN + "-01",
              "00-" + TRACE + "-" + SPAN + "-01;drop",
              VALID + "-" + "x".repeat(300));
      for (int i = 0; i < bad.size(); i++) {
        assertEquals(200, get(server, "/bad" + i, Trace.TRACEPARENT, bad.get(i)), bad.get(i));
        assertNull(capture.awaitStart("GET /bad" + i).remoteParent(), bad.get(i));
      }
      assertEquals(200, get(server, "/twice", Trace.TRACEPARENT, VALID, Trace.TRACEPARENT, VALID));
      assertNull(capture.awaitStart("GET /twice").remoteParent(), "a repeated header is ignored");
    }
  }
}
