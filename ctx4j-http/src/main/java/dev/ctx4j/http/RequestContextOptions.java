package dev.ctx4j.http;

import dev.ctx4j.Context;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings a {@link RequestContextHandler} (Jetty) and a {@link ContextFilter} (Servlet) share:
 * where request contexts hang, which timeout headers they read and how far they trust them, and
 * whether HTTP/1.1 disconnects are watched. Their builders extend it; it is not extended elsewhere.
 *
 * @param <B> the builder type, returned by every setter so that calls chain
 */
public abstract sealed class RequestContextOptions<B extends RequestContextOptions<B>>
    permits RequestContextHandler.Builder, ContextFilter.Builder {
  private Context parent = Context.background();
  private DeadlineHeaders headers = DeadlineHeaders.defaults();
  private Duration maxTimeout;
  private boolean rejectMalformed = true;
  private boolean watchHttp1 = true;

  RequestContextOptions() {}

  /** This builder, typed as itself. */
  abstract B self();

  /**
   * The parent of the lifetime context, under which every request context is created; default
   * {@link Context#background()}.
   *
   * @throws NullPointerException if {@code parent} is null
   */
  public B parent(Context parent) {
    this.parent = Objects.requireNonNull(parent, "parent");
    return self();
  }

  /**
   * Which timeout headers are read; default {@link DeadlineHeaders#defaults()}.
   *
   * @throws NullPointerException if {@code headers} is null
   */
  public B headers(DeadlineHeaders headers) {
    this.headers = Objects.requireNonNull(headers, "headers");
    return self();
  }

  /**
   * The longest a request may run: caps the timeout a header asks for, and is the timeout of
   * requests without one. Default: no cap.
   *
   * @throws NullPointerException if {@code maxTimeout} is null
   * @throws IllegalArgumentException if {@code maxTimeout} is zero or negative
   */
  public B maxTimeout(Duration maxTimeout) {
    Objects.requireNonNull(maxTimeout, "maxTimeout");
    if (maxTimeout.isNegative() || maxTimeout.isZero()) {
      throw new IllegalArgumentException("maxTimeout must be positive: " + maxTimeout);
    }
    this.maxTimeout = maxTimeout;
    return self();
  }

  /** Requests with a malformed timeout header run as if it were absent (default: 400). */
  public B ignoreMalformedHeaders() {
    this.rejectMalformed = false;
    return self();
  }

  /**
   * Turns off the HTTP/1.1 disconnect watcher (one daemon thread per handler or filter, on Jetty);
   * HTTP/1.1 disconnects are then seen only when Jetty next reads or writes. Default: on.
   */
  public B withoutHttp1DisconnectWatcher() {
    this.watchHttp1 = false;
    return self();
  }

  Context parent() {
    return parent;
  }

  DeadlineHeaders headers() {
    return headers;
  }

  /** Null: no cap. */
  Duration maxTimeout() {
    return maxTimeout;
  }

  boolean rejectMalformed() {
    return rejectMalformed;
  }

  boolean watchHttp1() {
    return watchHttp1;
  }
}
