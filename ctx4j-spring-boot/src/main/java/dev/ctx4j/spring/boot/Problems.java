package dev.ctx4j.spring.boot;

import dev.ctx4j.observe.internal.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes RFC 9457 problem responses ({@code application/problem+json}) from places that run before
 * or outside Spring MVC's message converters: the request filter and the exception resolver.
 */
final class Problems {
  private Problems() {}

  /** Writes a problem with {@code status}, {@code title} and {@code detail}, unless committed. */
  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String title,
      String detail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    String json =
        "{\"type\":\"about:blank\",\"title\":"
            + Json.quote(title)
            + ",\"status\":"
            + status
            + ",\"detail\":"
            + Json.quote(detail)
            + ",\"instance\":"
            + Json.quote(request.getRequestURI())
            + "}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
    response.flushBuffer();
  }
}
