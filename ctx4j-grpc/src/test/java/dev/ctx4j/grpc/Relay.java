package dev.ctx4j.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP relay on loopback whose connections a test can cut, as a lost network would. */
final class Relay implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  Relay(int targetPort) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("relay-accept").start(() -> acceptLoop(targetPort));
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop(int targetPort) {
    try {
      while (true) {
        Socket in = listener.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(in);
        sockets.add(out);
        Thread.ofVirtual().start(() -> pump(in, out));
        Thread.ofVirtual().start(() -> pump(out, in));
      }
    } catch (IOException closed) {
      // the relay was closed
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException cut) {
      // one side went away: so does the other
    }
  }

  /** Resets every relayed connection at once (SO_LINGER 0: an RST, no orderly close). */
  void cut() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException alreadyClosed) {
        // closed by its pump when the other side went first
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
  }
}
