package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ClientDisconnectedException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * Client disconnects on Jetty 12 ee11 (Spring Boot 4's Jetty): the core request's failure listener
 * (HTTP/2 resets) and, for HTTP/1.x requests without a body on plain TCP, the connection's channel
 * for a {@code DisconnectWatcher} — what {@code ContextFilter} does on ee10 (docs/adr/0045, 0080).
 *
 * <p>Only loaded when the ee11 classes are on the class path.
 */
final class JettyEe11Connections {
  private JettyEe11Connections() {}

  /**
   * Watches {@code request} if it is a Jetty ee11 request.
   *
   * @return ends the watch; null if {@code request} is not Jetty's
   */
  static Runnable watch(
      ServletRequest request,
      BiFunction<SocketChannel, Runnable, Runnable> http1Watch,
      Consumer<ClientDisconnectedException> gone) {
    ServletContextRequest core;
    try {
      core = ServletContextRequest.getServletContextRequest(request);
    } catch (IllegalStateException e) {
      return null;
    }
    if (core == null) {
      return null;
    }
    core.addFailureListener(
        failure -> gone.accept(new ClientDisconnectedException("the client went away", failure)));
    Runnable end = null;
    if (request instanceof HttpServletRequest http && ContainerDisconnects.http1NoBody(http)) {
      EndPoint endPoint = core.getConnectionMetaData().getConnection().getEndPoint();
      if (endPoint instanceof SocketChannelEndPoint socketEndPoint) {
        end =
            http1Watch.apply(
                socketEndPoint.getChannel(),
                () ->
                    gone.accept(
                        new ClientDisconnectedException("the client closed the connection", null)));
      }
    }
    return end == null ? () -> {} : end;
  }
}
