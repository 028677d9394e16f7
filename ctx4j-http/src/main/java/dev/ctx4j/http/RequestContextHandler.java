package dev.ctx4j.http;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A Jetty 12 handler wrapper that gives each request its own {@link Context}.
 *
 * <p>The request context is a child of this handler's lifetime context (itself a child of {@link
 * Builder#parent}), so stopping the handler (or the server) cancels every request in flight with a
 * {@link ServerStoppedException} cause. Its deadline is the timeout the request's headers ask for
 * ({@link DeadlineHeaders}), counted from the moment its headers arrived and capped by {@link
 * Builder#maxTimeout}. It is cancelled with a {@link ClientDisconnectedException} cause when the
 * client goes away — an HTTP/2 stream reset, or an HTTP/1.1 connection closed while the handler is
 * still computing — and plainly cancelled when the response completes.
 *
 * <p>During {@code handle} the context is {@link Context#current()}; code that completes the
 * request later, on other threads, finds it with {@link #context(Request)}. A malformed timeout
 * header gets a {@code 400 Bad Request} naming the header, or is ignored when built with {@link
 * Builder#ignoreMalformedHeaders()}; never a 500. A {@link ContextException} thrown by the wrapped
 * handler is answered by {@link ContextStatus}: 504 for a deadline, 503 for a server stopping or
 * another cancellation, and nothing for a client that left (the response is aborted).
 */
public final class RequestContextHandler extends Handler.Wrapper {
  /** The request attribute holding the request context (also visible to Servlet code). */
  public static final String ATTRIBUTE = RequestContextHandler.class.getName() + ".context";

  /** Elapsed time since the headers arrived beyond this is taken for an unset time stamp. */
  private static final long MAX_QUEUED_NANOS = 3_600_000_000_000L; // one hour

  private final Context parent;
  private final DeadlineHeaders headers;
  private final Duration maxTimeout; // null: no cap
  private final boolean rejectMalformed;
  private final boolean watchHttp1;

  // Written by doStart/doStop (Jetty's lifecycle lock), read by request threads.
  private volatile CancellableContext lifetime;
  private volatile DisconnectWatcher watcher;
  private volatile Server listenedTo;

  /** Cancels the lifetime as soon as the server starts stopping, before connectors close. */
  private final LifeCycle.Listener onServerStopping =
      new LifeCycle.Listener() {
        @Override
        public void lifeCycleStopping(LifeCycle event) {
          cancelLifetime();
        }
      };

  private RequestContextHandler(Builder b, Handler next) {
    super(next);
    this.parent = b.parent();
    this.headers = b.headers();
    this.maxTimeout = b.maxTimeout();
    this.rejectMalformed = b.rejectMalformed();
    this.watchHttp1 = b.watchHttp1();
  }

  /** A handler with default settings (see {@link Builder}) around {@code next}. */
  public static RequestContextHandler wrap(Request.Handler next) {
    return builder().build(next);
  }

  /** A builder with the defaults listed on its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The context of {@code request}, set by a {@code RequestContextHandler} upstream, else {@link
   * Context#background()}.
   *
   * @throws NullPointerException if {@code request} is null
   */
  public static Context context(Request request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(ATTRIBUTE) instanceof Context c ? c : Context.background();
  }

  /** The lifetime context of this handler, read-only: live between start and stop. */
  public Context lifetime() {
    CancellableContext l = lifetime;
    return l == null ? Context.background() : l.readOnly();
  }

  @Override
  protected void doStart() throws Exception {
    lifetime = parent.withCancel();
    Server server = getServer();
    if (server != null) {
      server.addEventListener(onServerStopping);
      listenedTo = server;
    }
    if (watchHttp1) {
      watcher = new DisconnectWatcher("ctx4j-http-disconnect-watcher");
    }
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    cancelLifetime();
    Server server = listenedTo;
    listenedTo = null;
    if (server != null) {
      server.removeEventListener(onServerStopping);
    }
    try {
      super.doStop();
    } finally {
      DisconnectWatcher w = watcher;
      watcher = null;
      if (w != null) {
        w.close();
      }
    }
  }

  private void cancelLifetime() {
    CancellableContext l = lifetime;
    if (l != null) {
      l.cancel(new ServerStoppedException("server stopped while the request was in flight"));
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Handler next = getHandler();
    if (next == null) {
      return false;
    }
    Optional<Duration> asked;
    try {
      asked = headers.timeout(name -> request.getHeaders().getValuesList(name));
    } catch (MalformedTimeoutHeaderException e) {
      if (rejectMalformed) {
        Response.writeError(
            request, response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
        return true;
      }
      asked = Optional.empty();
    }
    CancellableContext ctx = newContext(request, asked.orElse(null));
    ChainHeader.received(
        ctx,
        request.getHeaders()::getValuesList,
        request.getMethod(),
        request.getHttpURI().getPath());
    Context view = ctx.readOnly(); // what the application sees: it can watch, never cancel
    request.setAttribute(ATTRIBUTE, view);
    request.addFailureListener(
        failure -> ctx.cancel(new ClientDisconnectedException("the client went away", failure)));
    DisconnectWatcher.Watch watch = watchIfHttp1(request, ctx);
    Callback finish =
        Callback.from(
            () -> {
              ctx.cancel();
              if (watch != null) {
                watch.end();
              }
            },
            callback);
    boolean handled = false;
    try {
      handled = view.call(() -> next.handle(request, response, finish));
      return handled;
    } catch (ContextException e) {
      handled = true;
      if (watch != null) {
        watch.yieldToWatcher(); // a crowd of hang-ups: detection first, answers after (ADR 0131)
      }
      answerEnded(request, response, finish, ctx, e);
      return true;
    } finally {
      if (!handled) {
        ctx.cancel();
        if (watch != null) {
          watch.end();
        }
      }
    }
  }

  /**
   * Answers a request whose handler threw a {@link ContextException}: 504, 503, or nothing for a
   * client that left ({@link ContextStatus}); a committed response is aborted instead.
   */
  private static void answerEnded(
      Request request, Response response, Callback finish, Context ctx, ContextException e) {
    int status =
        ctx.isDone() ? ContextStatus.of(ctx.err(), ctx.cause()) : ContextStatus.of(e, e.getCause());
    if (status == ContextStatus.CLIENT_CLOSED_REQUEST || response.isCommitted()) {
      finish.failed(e);
      return;
    }
    String reason =
        status == ContextStatus.GATEWAY_TIMEOUT
            ? "the request's deadline passed before its work completed"
            : "the request's work was stopped: the server is stopping or the work was cancelled";
    Response.writeError(request, response, finish, status, reason);
  }

  private CancellableContext newContext(Request request, Duration asked) {
    return requestContext(
        lifetime(), asked, maxTimeout, System.nanoTime() - request.getHeadersNanoTime());
  }

  /**
   * A request's context under {@code base}: the {@code asked} timeout capped by {@code max} (either
   * may be null), counted from when the headers arrived, {@code sinceHeaders} ns ago (an unset or
   * odd stamp is ignored). Shared with {@link ContextFilter}.
   */
  static CancellableContext requestContext(
      Context base, Duration asked, Duration max, long sinceHeaders) {
    Duration timeout = asked;
    if (max != null && (timeout == null || timeout.compareTo(max) > 0)) {
      timeout = max;
    }
    if (timeout == null) {
      return base.withCancel();
    }
    if (sinceHeaders > 0 && sinceHeaders < MAX_QUEUED_NANOS) {
      timeout = timeout.minusNanos(sinceHeaders);
    }
    return base.withTimeout(timeout);
  }

  /** The HTTP/1.1 disconnect watcher while started (null when off or stopped); for tests. */
  DisconnectWatcher watcher() {
    return watcher;
  }

  private DisconnectWatcher.Watch watchIfHttp1(Request request, CancellableContext ctx) {
    return watchHttp1(
        watcher,
        request,
        () ->
            ctx.cancel(new ClientDisconnectedException("the client closed the connection", null)));
  }

  /**
   * Watches {@code request}'s connection with {@code w} (may be null: nothing is watched) if it is
   * an HTTP/1.x request without a body on a plain TCP endpoint; {@code onGone} runs on the
   * watcher's thread when the client closes it. Null when nothing is watched. Shared with {@link
   * ContextFilter}.
   */
  static DisconnectWatcher.Watch watchHttp1(DisconnectWatcher w, Request request, Runnable onGone) {
    if (w == null) {
      return null;
    }
    HttpVersion version = request.getConnectionMetaData().getHttpVersion();
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      return null; // HTTP/2 and HTTP/3 report resets through the failure listener
    }
    if (hasBody(request)) {
      return null; // body bytes would look like "data waiting"; Jetty reads (and sees EOF) itself
    }
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    if (!(endPoint instanceof SocketChannelEndPoint socketEndPoint)) {
      return null;
    }
    SocketChannel channel = socketEndPoint.getChannel();
    return w.watch(channel, onGone);
  }

  private static boolean hasBody(Request request) {
    if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
      return true;
    }
    return request.getLength() > 0;
  }

  /**
   * Settings for a {@link RequestContextHandler} (the shared ones are on {@link
   * RequestContextOptions}). Not thread-safe; build once.
   */
  public static final class Builder extends RequestContextOptions<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * The handler, wrapping {@code next}: a Jetty {@link Handler}, or a lambda {@code (request,
     * response, callback) -> ...} (which is treated as a blocking handler).
     *
     * @throws NullPointerException if {@code next} is null
     */
    public RequestContextHandler build(Request.Handler next) {
      Objects.requireNonNull(next, "next");
      Handler handler = next instanceof Handler h ? h : new Lambda(next);
      return new RequestContextHandler(this, handler);
    }
  }

  /** A {@link Request.Handler} lambda as a Jetty {@link Handler}. */
  private static final class Lambda extends Handler.Abstract {
    private final Request.Handler app;

    Lambda(Request.Handler app) {
      this.app = app;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      return app.handle(request, response, callback);
    }
  }
}
