package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ClientDisconnectedException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.catalina.connector.RequestFacade;
import org.apache.coyote.ActionCode;
import org.apache.coyote.ActionHook;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SecureNioChannel;

/**
 * Reaches what the Servlet API hides of a Tomcat request. From the servlet request ({@code
 * RequestFacade}) to the Catalina request to the Coyote request and its processor, the action hook
 * that serves the request:
 *
 * <ul>
 *   <li>HTTP/1.x: the {@code Http11Processor} serving the connection → socket wrapper → {@link
 *       NioChannel} → channel, for a {@code DisconnectWatcher} (docs/adr/0100).
 *   <li>HTTP/2: the stream's processor. When a client resets the stream or its connection ends,
 *       Tomcat records an {@code IOException} as the Coyote request's error and asks the request's
 *       hook for an error dispatch ({@code ActionCode.DISPATCH_ERROR}); ctx4j puts a forwarding
 *       hook in front of the processor for the time the request context lives and hears that call
 *       (docs/adr/0102).
 * </ul>
 *
 * <p>The facade's request, the Coyote request's hook and the processor's socket wrapper are not
 * public and are reached reflectively; if a Tomcat version renames them, nothing is watched and a
 * warning is logged once. TLS ({@link SecureNioChannel}) and NIO2 HTTP/1.x connections are not
 * watched; HTTP/2 streams are, over TLS too.
 *
 * <p>Only loaded when Tomcat is on the class path.
 */
final class TomcatConnections {
  private static final System.Logger LOG = System.getLogger(TomcatConnections.class.getName());

  /** Tomcat's processor of one HTTP/2 stream (package-private in Tomcat). */
  static final String STREAM_PROCESSOR = "org.apache.coyote.http2.StreamProcessor";

  private static final Field FACADE_REQUEST;
  private static final VarHandle HOOK;
  private static final Method SOCKET_WRAPPER;

  static {
    Field facadeRequest = null;
    VarHandle hook = null;
    Method socketWrapper = null;
    try {
      facadeRequest = RequestFacade.class.getDeclaredField("request");
      facadeRequest.setAccessible(true);
      hook =
          MethodHandles.privateLookupIn(org.apache.coyote.Request.class, MethodHandles.lookup())
              .findVarHandle(org.apache.coyote.Request.class, "hook", ActionHook.class);
      socketWrapper =
          org.apache.coyote.AbstractProcessor.class.getDeclaredMethod("getSocketWrapper");
      socketWrapper.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "cannot reach Tomcat's connections; client disconnects go unseen on Tomcat",
          e);
      facadeRequest = null;
    }
    FACADE_REQUEST = facadeRequest;
    HOOK = hook;
    SOCKET_WRAPPER = socketWrapper;
  }

  private TomcatConnections() {}

  /** The Coyote request behind {@code request}, or null if it is not Tomcat's. */
  private static org.apache.coyote.Request coyote(ServletRequest request)
      throws ReflectiveOperationException {
    if (FACADE_REQUEST == null) {
      return null;
    }
    while (request instanceof ServletRequestWrapper w) {
      request = w.getRequest();
    }
    if (!(request instanceof RequestFacade facade)) {
      return null;
    }
    Object catalina = FACADE_REQUEST.get(facade);
    if (!(catalina instanceof org.apache.catalina.connector.Request c)) {
      return null;
    }
    return c.getCoyoteRequest();
  }

  /** The plain-TCP channel of {@code request}'s HTTP/1.x connection, or null. */
  static SocketChannel channel(ServletRequest request) {
    try {
      org.apache.coyote.Request coyote = coyote(request);
      if (coyote == null) {
        return null;
      }
      Object processor = HOOK.getVolatile(coyote);
      if (!(processor instanceof Http11Processor)) {
        return null;
      }
      Object wrapper = SOCKET_WRAPPER.invoke(processor);
      if (!(wrapper instanceof org.apache.tomcat.util.net.SocketWrapperBase<?> sw)) {
        return null;
      }
      Object socket = sw.getSocket();
      if (!(socket instanceof NioChannel channel) || socket instanceof SecureNioChannel) {
        return null;
      }
      return channel.getIOChannel();
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot reach the connection of a Tomcat request", e);
      return null;
    }
  }

  /**
   * Watches {@code request}'s HTTP/2 stream for a reset or the end of its connection: {@code gone}
   * is called once, on a thread of its own, if either happens before the returned watch ends.
   *
   * @return ends the watch; null if {@code request} is not served by Tomcat's HTTP/2 stream
   *     processor
   */
  static Runnable watchStream(ServletRequest request, Consumer<ClientDisconnectedException> gone) {
    try {
      org.apache.coyote.Request coyote = coyote(request);
      if (coyote == null) {
        return null;
      }
      Object processor = HOOK.getVolatile(coyote);
      if (!(processor instanceof ActionHook tomcat)
          || !STREAM_PROCESSOR.equals(processor.getClass().getName())) {
        return null;
      }
      ResetHook ear = new ResetHook(tomcat, gone);
      if (!HOOK.compareAndSet(coyote, processor, ear)) {
        return null;
      }
      // A reset that came before the hook was in place left its error on the request.
      if (coyote.getAttribute(RequestDispatcher.ERROR_EXCEPTION)
          instanceof java.io.IOException early) {
        ear.fire(early);
      }
      return () -> {
        boolean unused = HOOK.compareAndSet(coyote, ear, processor);
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot watch the HTTP/2 stream of a Tomcat request", e);
      return null;
    }
  }

  /**
   * Tomcat's stream processor, forwarded every action, with an ear for the error dispatch Tomcat
   * asks for when the stream is reset or its connection ends (Tomcat 10.1 and 11: the only source
   * of {@code DISPATCH_ERROR}).
   */
  private static final class ResetHook implements ActionHook {
    private final ActionHook tomcat;
    private final Consumer<ClientDisconnectedException> gone;
    private final AtomicBoolean fired = new AtomicBoolean();

    ResetHook(ActionHook tomcat, Consumer<ClientDisconnectedException> gone) {
      this.tomcat = tomcat;
      this.gone = gone;
    }

    @Override
    public void action(ActionCode actionCode, Object param) {
      if (actionCode == ActionCode.DISPATCH_ERROR) {
        Object error =
            param instanceof org.apache.coyote.Request r
                ? r.getAttribute(RequestDispatcher.ERROR_EXCEPTION)
                : null;
        fire(error instanceof Throwable t ? t : null);
      }
      tomcat.action(actionCode, param);
    }

    /**
     * Ends the request context once. Tomcat asks for the dispatch holding the stream's lock, so the
     * context's callbacks (application code) run on a virtual thread of their own.
     */
    void fire(Throwable tomcatError) {
      if (!fired.compareAndSet(false, true)) {
        return;
      }
      ClientDisconnectedException e =
          new ClientDisconnectedException(
              "the client reset the HTTP/2 stream or its connection ended", tomcatError);
      try {
        Thread unused =
            Thread.ofVirtual().name("ctx4j-tomcat-h2-reset").start(() -> gone.accept(e));
      } catch (RuntimeException failed) {
        LOG.log(Level.WARNING, "cannot end the context of a reset HTTP/2 stream", failed);
      }
    }
  }
}
