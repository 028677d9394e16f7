package dev.ctx4j.http;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * What {@link ContextFilter} learns from Jetty 12 ee10 beyond the Servlet API: the core request
 * behind a servlet request (its header time stamp, its failure listener, its connection for the
 * HTTP/1.1 {@link DisconnectWatcher}) and the {@link Server}'s stopping event.
 *
 * <p>Only touched once {@code ContextFilter} has seen the ee10 classes on its class path, so the
 * filter itself loads on any Servlet 6 container.
 */
final class JettyServlets {
  private JettyServlets() {}

  /** One request as Jetty sees it. */
  static final class Exchange {
    private final Request core;

    private Exchange(Request core) {
      this.core = core;
    }

    /** When Jetty parsed the request's headers, on the {@link System#nanoTime()} clock. */
    long headersNanoTime() {
      return core.getHeadersNanoTime();
    }

    /**
     * Calls {@code gone} once the client goes away (an HTTP/2 reset through Jetty's failure
     * listener, an HTTP/1.1 close through {@code watcher}, which may be null).
     *
     * @return ends the HTTP/1.1 watch; null when nothing is watched
     */
    Runnable onClientGone(DisconnectWatcher watcher, Consumer<ClientDisconnectedException> gone) {
      core.addFailureListener(
          failure -> gone.accept(new ClientDisconnectedException("the client went away", failure)));
      DisconnectWatcher.Watch watch =
          RequestContextHandler.watchHttp1(
              watcher,
              core,
              () ->
                  gone.accept(
                      new ClientDisconnectedException("the client closed the connection", null)));
      if (watch == null) {
        return null;
      }
      return () -> {
        watch.yieldToWatcher(); // a crowd of hang-ups: detection before answers (ADR 0131)
        watch.end();
      };
    }
  }

  /** The Jetty exchange behind {@code request}, or null if it is not a Jetty ee10 request. */
  static Exchange exchange(ServletRequest request) {
    ServletContextRequest core;
    try {
      core = ServletContextRequest.getServletContextRequest(request);
    } catch (IllegalStateException e) { // a wrapper hiding Jetty's request, or another container's
      return null;
    }
    return core == null ? null : new Exchange(core);
  }

  /**
   * Runs {@code action} when the Jetty {@link Server} serving {@code context} starts stopping,
   * before its connectors close.
   *
   * @return removes the listener; null if {@code context} is not served by Jetty ee10
   */
  static Runnable onServerStopping(ServletContext context, Runnable action) {
    ServletContextHandler handler;
    try {
      handler = ServletContextHandler.getServletContextHandler(context);
    } catch (IllegalStateException e) {
      return null;
    }
    Server server = handler == null ? null : handler.getServer();
    if (server == null) {
      return null;
    }
    LifeCycle.Listener listener =
        new LifeCycle.Listener() {
          @Override
          public void lifeCycleStopping(LifeCycle event) {
            action.run();
          }
        };
    server.addEventListener(listener);
    return () -> server.removeEventListener(listener);
  }
}
