package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Deadline;
import dev.ctx4j.http.TimeoutHeader;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Sends the remaining budget of {@link Context#current()} (minus a margin) in a timeout header,
 * refuses to start an exchange once the context ended, and reports a failed exchange of a context
 * that ended as that context's {@link ContextException} (the transport's exception suppressed).
 * Whether the exchange itself stops when the context ends is up to the request factory: the JDK one
 * given {@link ContextAwareHttpClient} does.
 */
final class ContextRequestInterceptor implements ClientHttpRequestInterceptor {
  private final TimeoutHeader header;
  private final Duration margin;

  ContextRequestInterceptor(TimeoutHeader header, Duration margin) {
    this.header = header;
    this.margin = margin;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    Context ctx = Context.current();
    ctx.throwIfDone();
    Optional<Deadline> deadline = ctx.deadline();
    if (deadline.isPresent()) {
      request
          .getHeaders()
          .set(header.headerName(), header.format(deadline.get().remaining().minus(margin)));
    }
    try {
      return execution.execute(request, body);
    } catch (IOException | RuntimeException e) {
      if (ctx.isDone() && !(e instanceof ContextException)) {
        try {
          ctx.throwIfDone();
        } catch (ContextException ce) {
          ce.addSuppressed(e);
          throw ce;
        }
      }
      throw e;
    }
  }
}
