package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ClientDisconnectedException;
import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.DisconnectWatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Client disconnects on the servers Spring Boot embeds, for {@link ContextFilter}: Tomcat (HTTP/1.x
 * closes and HTTP/2 resets, through {@link TomcatConnections}) and Jetty 12 ee11 (through {@link
 * JettyEe11Connections}: HTTP/2 resets and HTTP/1.x closes). Jetty ee10 (Spring Boot 3) is handled
 * by {@code ContextFilter} itself and never reaches this class. One {@link DisconnectWatcher}
 * thread for HTTP/1.x, started on the first watched request; none for Tomcat's HTTP/2. See
 * docs/adr/0100 and 0102.
 */
final class ContainerDisconnects implements ContextFilter.ClientDisconnects, AutoCloseable {
  private static final boolean TOMCAT = present("org.apache.catalina.connector.RequestFacade");
  private static final boolean JETTY_EE11 =
      present("org.eclipse.jetty.ee11.servlet.ServletContextRequest");

  private final boolean watchHttp1;
  private final boolean watchTomcatHttp2;
  private final Duration http1Delay;
  private final Object lock = new Object();
  private DisconnectWatcher watcher; // guarded by lock; null until needed or after close
  private ScheduledThreadPoolExecutor delays; // guarded by lock; null until needed or after close
  private boolean closed; // guarded by lock

  ContainerDisconnects(boolean watchHttp1, boolean watchTomcatHttp2) {
    this(watchHttp1, watchTomcatHttp2, Duration.ZERO);
  }

  /**
   * @param http1Delay how long an HTTP/1.x request runs before its connection is registered with
   *     the watcher (zero: at once)
   */
  ContainerDisconnects(boolean watchHttp1, boolean watchTomcatHttp2, Duration http1Delay) {
    this.watchHttp1 = watchHttp1;
    this.watchTomcatHttp2 = watchTomcatHttp2;
    this.http1Delay = http1Delay.isNegative() ? Duration.ZERO : http1Delay;
  }

  /**
   * Watches {@code channel}, from {@code http1Delay} on, for the client leaving: a request answered
   * sooner never reaches the watcher's selector (a registration costs two selector wake-ups), and a
   * client that left meanwhile is seen as soon as the registration is made (end of stream stays
   * readable).
   *
   * @return ends the watch; null when HTTP/1.x is not watched
   */
  Runnable watchHttp1(SocketChannel channel, Runnable onGone) {
    DisconnectWatcher w = http1Watcher();
    if (w == null) {
      return null;
    }
    if (http1Delay.isZero()) {
      DisconnectWatcher.Watch watch = w.watch(channel, onGone);
      return () -> endYielding(watch);
    }
    ScheduledThreadPoolExecutor timer;
    synchronized (lock) {
      if (delays == null && !closed) {
        delays =
            new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("ctx4j-spring-disconnect-delay").daemon().factory());
        delays.setRemoveOnCancelPolicy(true);
      }
      timer = delays;
    }
    if (timer == null) {
      return null;
    }
    DelayedWatch delayed = new DelayedWatch(w, channel, onGone);
    try {
      delayed.timer = timer.schedule(delayed, http1Delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) { // closed meanwhile
      return null;
    }
    return delayed::end;
  }

  /** A watch that starts after a delay unless the request ended first. */
  private static final class DelayedWatch implements Runnable {
    private static final Object PENDING = new Object();
    private static final Object ENDED = new Object();

    private final DisconnectWatcher watcher;
    private final SocketChannel channel;
    private final Runnable onGone;
    private final AtomicReference<Object> state = new AtomicReference<>(PENDING);
    volatile Future<?> timer;

    DelayedWatch(DisconnectWatcher watcher, SocketChannel channel, Runnable onGone) {
      this.watcher = watcher;
      this.channel = channel;
      this.onGone = onGone;
    }

    @Override
    public void run() {
      if (state.get() != PENDING) {
        return;
      }
      DisconnectWatcher.Watch w = watcher.watch(channel, onGone);
      if (!state.compareAndSet(PENDING, w)) {
        w.end(); // the request ended while we registered
      }
    }

    void end() {
      Object s = state.getAndSet(ENDED);
      if (s == PENDING) {
        Future<?> t = timer;
        if (t != null) {
          t.cancel(false);
        }
      } else if (s instanceof DisconnectWatcher.Watch w) {
        endYielding(w);
      }
    }
  }

  /**
   * Ends {@code w} on the request's thread, which, when the watcher ended the request, first waits
   * for the watcher's round to end: under a crowd of hang-ups, detection before answers (ADR 0131).
   */
  private static void endYielding(DisconnectWatcher.Watch w) {
    w.yieldToWatcher();
    w.end();
  }

  @Override
  public Runnable watch(ServletRequest request, Consumer<ClientDisconnectedException> gone) {
    if (JETTY_EE11) {
      Runnable end = JettyEe11Connections.watch(request, this::watchHttp1, gone);
      if (end != null) {
        return end;
      }
    }
    if (TOMCAT
        && watchTomcatHttp2
        && request instanceof HttpServletRequest http
        && "HTTP/2.0".equals(http.getProtocol())) {
      Runnable end = TomcatConnections.watchStream(request, gone);
      if (end != null) {
        return end;
      }
    }
    if (TOMCAT && watchHttp1 && request instanceof HttpServletRequest http && http1NoBody(http)) {
      SocketChannel channel = TomcatConnections.channel(request);
      if (channel != null) {
        return watchHttp1(
            channel,
            () ->
                gone.accept(
                    new ClientDisconnectedException("the client closed the connection", null)));
      }
    }
    return null;
  }

  /**
   * Whether {@code request} is HTTP/1.x without a body: a body's bytes would look like "data
   * waiting", and the server itself reads it (and sees the end of stream).
   */
  static boolean http1NoBody(HttpServletRequest request) {
    String protocol = request.getProtocol();
    if (!"HTTP/1.1".equals(protocol) && !"HTTP/1.0".equals(protocol)) {
      return false;
    }
    return request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
  }

  /** The watcher, started on first use; null when HTTP/1.x is not watched or after close. */
  DisconnectWatcher http1Watcher() {
    if (!watchHttp1) {
      return null;
    }
    synchronized (lock) {
      if (watcher == null && !closed) {
        watcher = new DisconnectWatcher("ctx4j-spring-disconnect-watcher");
      }
      return watcher;
    }
  }

  @Override
  public void close() {
    DisconnectWatcher w;
    ScheduledThreadPoolExecutor d;
    synchronized (lock) {
      closed = true;
      w = watcher;
      watcher = null;
      d = delays;
      delays = null;
    }
    if (d != null) {
      d.shutdownNow();
    }
    if (w != null) {
      w.close();
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ContainerDisconnects.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
