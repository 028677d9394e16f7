package dev.ctx4j.spring.boot;

import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.Render;
import org.springframework.boot.actuate.endpoint.Producible;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.MimeType;

/**
 * The actuator endpoint {@code ctx4j}: the live context tree and the recent propagation chains that
 * ctx4j-observe recorded, as JSON, or as ctx4j-observe's HTML page when the client asks for {@code
 * text/html}. Exposed only as the application exposes actuator endpoints ({@code
 * management.endpoints.web.exposure.include}). Records appear once tracing is on ({@code
 * ctx4j.observe.tracing=true} or {@code ContextTree.enable()}).
 */
@Endpoint(id = "ctx4j")
public class Ctx4jEndpoint {
  /** The endpoint's formats, chosen from the request's {@code Accept} header. */
  public enum Format implements Producible<Format> {
    /** One JSON object: {@code takenAt}, {@code live}, {@code roots}, {@code chains}. */
    JSON("application/json"),
    /** ctx4j-observe's self-contained HTML page. */
    HTML("text/html");

    private final String type;

    Format(String type) {
      this.type = type;
    }

    @Override
    public MimeType getProducedMimeType() {
      return MimeType.valueOf(type);
    }

    @Override
    public boolean isDefault() {
      return this == JSON;
    }
  }

  /** The snapshot in the format asked for. */
  @ReadOperation(producesFrom = Format.class)
  public WebEndpointResponse<String> snapshot(Format format) {
    ContextTree.Snapshot s = ContextTree.snapshot();
    return new WebEndpointResponse<>(
        format == Format.HTML ? Render.html(s) : Render.json(s), format);
  }
}
