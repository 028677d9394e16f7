package dev.ctx4j.spring.boot;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import org.apache.catalina.connector.RequestFacade;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SecureNioChannel;

/**
 * Reaches the {@link SocketChannel} of an HTTP/1.x request on Tomcat's NIO connector, which the
 * Servlet API hides: servlet request ({@code RequestFacade}) → Catalina request → Coyote request →
 * its processor (the {@code Http11Processor} serving the connection) → socket wrapper → {@link
 * NioChannel} → channel. Three steps are not public (the facade's request, the Coyote request's
 * processor, the processor's socket wrapper) and are read reflectively; if a Tomcat version renames
 * them, nothing is watched and a warning is logged once. TLS ({@link SecureNioChannel}), NIO2 and
 * HTTP/2 streams are not watched. See docs/adr/0100.
 *
 * <p>Only loaded when Tomcat is on the class path.
 */
final class TomcatConnections {
  private static final System.Logger LOG = System.getLogger(TomcatConnections.class.getName());

  private static final Field FACADE_REQUEST;
  private static final Field PROCESSOR;
  private static final Method SOCKET_WRAPPER;

  static {
    Field facadeRequest = null;
    Field processor = null;
    Method socketWrapper = null;
    try {
      facadeRequest = RequestFacade.class.getDeclaredField("request");
      facadeRequest.setAccessible(true);
      processor = org.apache.coyote.Request.class.getDeclaredField("hook");
      processor.setAccessible(true);
      socketWrapper =
          org.apache.coyote.AbstractProcessor.class.getDeclaredMethod("getSocketWrapper");
      socketWrapper.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "cannot reach Tomcat's connections; HTTP/1.1 client disconnects go unseen on Tomcat",
          e);
      facadeRequest = null;
    }
    FACADE_REQUEST = facadeRequest;
    PROCESSOR = processor;
    SOCKET_WRAPPER = socketWrapper;
  }

  private TomcatConnections() {}

  /** The plain-TCP channel of {@code request}'s HTTP/1.x connection, or null. */
  static SocketChannel channel(ServletRequest request) {
    if (FACADE_REQUEST == null) {
      return null;
    }
    while (request instanceof ServletRequestWrapper w) {
      request = w.getRequest();
    }
    if (!(request instanceof RequestFacade facade)) {
      return null;
    }
    try {
      Object catalina = FACADE_REQUEST.get(facade);
      if (!(catalina instanceof org.apache.catalina.connector.Request c)) {
        return null;
      }
      Object processor = PROCESSOR.get(c.getCoyoteRequest());
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
}
