package dev.ctx4j.junit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a server, that can be told to misbehave: {@link #stallNew()}
 * accepts new connections but never answers on them until {@link #resumeNew()}, {@link #resetAll()}
 * resets every open connection, {@link #partition()} drops every byte in both directions while the
 * connections stay open (as behind a dropped route) until {@link #heal()}.
 *
 * <p>For ctx4j's own fault tests (a database, a gRPC server behind it); not an API.
 */
public final class FaultProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();
  private final java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
  private volatile boolean stallNew;
  private volatile boolean partitioned;
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
  }

  public static FaultProxy to(String host, int port) throws IOException {
    return new FaultProxy(new InetSocketAddress(host, port));
  }

  public int port() {
    return server.getLocalPort();
  }

  /** From now on, new connections are accepted and then left without an answer. */
  public void stallNew() {
    stallNew = true;
  }

  /** New connections are forwarded again; the ones held while stalling are reset. */
  public void resumeNew() {
    stallNew = false;
    for (Socket s : stalled) {
      reset(s);
    }
    stalled.clear();
  }

  /** Everything clients sent to the server since the last {@link #clearSent()}, as Latin-1. */
  public String sent() {
    synchronized (sent) {
      return sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  public void clearSent() {
    synchronized (sent) {
      sent.reset();
    }
  }

  /** From now on every byte, on every connection and in both directions, is dropped. */
  public void partition() {
    partitioned = true;
  }

  /** Bytes flow again (what was dropped stays lost). */
  public void heal() {
    partitioned = false;
  }

  /** Resets (RST) every open connection, in both directions. */
  public void resetAll() {
    for (Socket s : open) {
      reset(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      if (stallNew) {
        stalled.add(client); // held open, never read nor answered
        continue;
      }
      Thread.ofVirtual().start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    try {
      Socket up = new Socket(upstream.getAddress(), upstream.getPort());
      open.add(up);
      Thread.ofVirtual().start(() -> pump(client, up, true));
      pump(up, client, false);
    } catch (IOException e) {
      reset(client);
    }
  }

  private void pump(Socket from, Socket to, boolean record) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (record) {
          synchronized (sent) {
            sent.write(buffer, 0, n);
          }
        }
        if (!partitioned) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side went away: the finally closes the other
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
