package dev.ctx4j.http;

import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Deadline;
import dev.ctx4j.Registration;
import dev.ctx4j.internal.InternalContexts;
import dev.ctx4j.internal.Trace;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link HttpClient} wrapper whose exchanges live inside a {@link Context}.
 *
 * <p>Each request carries the context's remaining budget, minus a safety margin, in the configured
 * timeout header ({@code Connect-Timeout-Ms} by default; nothing is sent when the context has no
 * deadline). When the context ends the exchange is aborted, whether the response headers have
 * arrived or not: before headers the pending {@code sendAsync} future is cancelled with {@code
 * cancel(true)} (the JDK then drops the exchange), and while the body streams the body subscription
 * is cancelled and the body handler fails. {@code send} then throws a fresh {@link
 * ContextException} of the context's kind whose cause is the context's cause. A body read through
 * an {@code InputStream} fails with an {@code IOException} whose cause is that exception.
 *
 * <p>No thread is interrupted: the abort runs from the context's {@code afterDone} hook. Immutable
 * and thread-safe.
 */
public final class ContextHttpClient {
  private final HttpClient client;
  private final TimeoutHeader header; // null: send no budget
  private final Duration margin;

  private ContextHttpClient(HttpClient client, TimeoutHeader header, Duration margin) {
    this.client = client;
    this.header = header;
    this.margin = margin;
  }

  /**
   * Wraps {@code client}: writes {@code Connect-Timeout-Ms}, with a margin of 5 ms.
   *
   * @throws NullPointerException if {@code client} is null
   */
  public static ContextHttpClient wrap(HttpClient client) {
    return builder(client).build();
  }

  /**
   * A builder for a wrapper around {@code client}.
   *
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder builder(HttpClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  /** The wrapped client. */
  public HttpClient client() {
    return client;
  }

  /**
   * As {@link HttpClient#send}, inside {@link Context#current()}.
   *
   * @throws ContextException (unchecked) if the context ended before the exchange completed
   */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return send(Context.current(), request, handler);
  }

  /**
   * As {@link HttpClient#send}, inside {@code ctx}: returns once the response headers arrived (and,
   * for body handlers that buffer, the body).
   *
   * @throws ContextException (unchecked) if {@code ctx} is done, at once without a round trip, or
   *     ends before this returns; its cause is {@code ctx}'s cause
   * @throws IOException as {@link HttpClient#send} does
   * @throws InterruptedException if this thread is interrupted while waiting; the exchange is
   *     aborted
   * @throws NullPointerException if an argument is null
   */
  public <T> HttpResponse<T> send(Context ctx, HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> f = sendAsync(ctx, request, handler);
    try {
      return ctx.get(f); // parks on the context too, so a cancel's chain shows this thread woken
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (CancellationException e) {
      // A future failed with a ContextException (a CancellationException) reports "cancelled".
      if (e instanceof ContextException ce) {
        throw ce;
      }
      if (e.getCause() instanceof ContextException ce) {
        throw ce;
      }
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(io.getMessage(), io); // fresh stack trace, as HttpClient.send does
      }
      if (cause instanceof ContextException ce) {
        throw ce;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * As {@link HttpClient#sendAsync}, inside {@code ctx}. The future fails with a {@link
   * ContextException} if {@code ctx} is done or ends first; as that is a {@link
   * CancellationException}, the future then reports {@code isCancelled()}. Cancelling the future
   * aborts the exchange.
   *
   * @throws NullPointerException if an argument is null
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      Context ctx, HttpRequest request, BodyHandler<T> handler) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(handler, "handler");
    if (InternalContexts.neverEnds(ctx)) {
      Trace.blockingCall(ctx, "HTTP", request); // tracing: made with a root while one is current?
    }
    if (ctx.isDone()) {
      return CompletableFuture.failedFuture(contextException(ctx));
    }
    HttpRequest outgoing = ChainHeader.withParent(ctx, withBudget(ctx, request));
    return new Exchange<>(ctx, handler, outgoing).start(outgoing);
  }

  /** {@code request} with the context's remaining budget, minus the margin, in the header. */
  HttpRequest withBudget(Context ctx, HttpRequest request) {
    Optional<Deadline> deadline = ctx.deadline();
    if (header == null || deadline.isEmpty()) {
      return request;
    }
    Duration budget = deadline.get().remaining().minus(margin);
    String name = header.headerName();
    return HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase(name))
        .header(name, header.format(budget))
        .build();
  }

  static ContextException contextException(Context ctx) {
    try {
      ctx.throwIfDone();
    } catch (ContextException e) {
      return e;
    }
    throw new IllegalStateException("context is not done: " + ctx);
  }

  /** One exchange: the JDK future, the body subscriber and the afterDone registration. */
  private final class Exchange<T> {
    private final Context ctx;
    private final BodyHandler<T> handler;
    private final HttpRequest request;
    private final AtomicReference<AbortableSubscriber<T>> body = new AtomicReference<>();
    private volatile CompletableFuture<HttpResponse<T>> inner;
    private volatile Registration registration;

    Exchange(Context ctx, BodyHandler<T> handler, HttpRequest request) {
      this.ctx = ctx;
      this.handler = handler;
      this.request = request;
    }

    CompletableFuture<HttpResponse<T>> start(HttpRequest outgoing) {
      CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
      inner = client.sendAsync(outgoing, this::subscriber);
      registration = ctx.afterDone(this::abort);
      CompletableFuture<?> unused =
          inner.whenComplete(
              (response, failure) -> {
                if (failure == null) {
                  result.complete(response);
                  return;
                }
                release();
                if (ctx.isDone()) {
                  ContextException e = contextException(ctx);
                  Throwable original = unwrap(failure);
                  if (!(original instanceof CancellationException)) {
                    e.addSuppressed(original);
                  }
                  result.completeExceptionally(e);
                } else {
                  result.completeExceptionally(unwrap(failure));
                }
              });
      unused =
          result.whenComplete(
              (r, failure) -> {
                if (failure instanceof CancellationException
                    && !(failure instanceof ContextException)) {
                  inner.cancel(true); // the caller gave up on the exchange
                  release();
                }
              });
      return result;
    }

    private HttpResponse.BodySubscriber<T> subscriber(HttpResponse.ResponseInfo info) {
      AbortableSubscriber<T> s = new AbortableSubscriber<>(handler.apply(info), this::release);
      body.set(s);
      if (ctx.isDone()) {
        s.abort(contextException(ctx));
      }
      return s;
    }

    /** Runs on the afterDone thread once ctx ends. */
    private void abort() {
      CompletableFuture<HttpResponse<T>> f = inner;
      if (f != null) {
        f.cancel(true);
      }
      AbortableSubscriber<T> s = body.get();
      if (s != null) {
        s.abort(contextException(ctx));
      }
      ChainHeader.aborted(ctx, request);
    }

    private void release() {
      Registration r = registration;
      if (r != null) {
        r.stop();
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Settings for a {@link ContextHttpClient}. Not thread-safe; build once. */
  public static final class Builder {
    private final HttpClient client;
    private TimeoutHeader header = TimeoutHeader.CONNECT_TIMEOUT_MS;
    private Duration margin = Duration.ofMillis(5);

    private Builder(HttpClient client) {
      this.client = client;
    }

    /** The header that carries the budget (default {@code Connect-Timeout-Ms}); null sends none. */
    public Builder header(TimeoutHeader header) {
      this.header = header;
      return this;
    }

    /**
     * Subtracted from the remaining budget before it is sent, for the time the request spends on
     * the wire (default 5 ms).
     *
     * @throws NullPointerException if {@code margin} is null
     * @throws IllegalArgumentException if {@code margin} is negative
     */
    public Builder margin(Duration margin) {
      Objects.requireNonNull(margin, "margin");
      if (margin.isNegative()) {
        throw new IllegalArgumentException("margin must not be negative: " + margin);
      }
      this.margin = margin;
      return this;
    }

    /** The wrapper. */
    public ContextHttpClient build() {
      return new ContextHttpClient(client, header, margin);
    }
  }
}
