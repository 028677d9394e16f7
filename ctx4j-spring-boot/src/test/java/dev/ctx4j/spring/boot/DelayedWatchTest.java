package dev.ctx4j.spring.boot;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.x watch that starts after a delay (ctx4j.http.disconnect-watch-delay), on real
 * loopback connections: a client that left before the watch started is seen when it starts; a
 * request that ended before the delay never reaches the watcher.
 */
class DelayedWatchTest {
  private static final Duration DELAY = Duration.ofMillis(200);

  @Test
  void clientLeftBeforeTheWatchStarted_seenWhenItStarts() throws Exception {
    try (ContainerDisconnects disconnects = new ContainerDisconnects(true, true, DELAY);
        ServerSocketChannel server = listen()) {
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      try (SocketChannel accepted = server.accept()) {
        accepted.configureBlocking(false); // as a server's connections are
        CountDownLatch gone = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Runnable end = disconnects.watchHttp1(accepted, gone::countDown);
        assertNotNull(end);
        client.close();
        assertTrue(gone.await(10, SECONDS), "the close was never seen");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= DELAY.toMillis() - 5, "seen before the watch started: " + ms + " ms");
        end.run();
      }
    }
  }

  @Test
  void requestEndedBeforeTheDelay_closeAfterwardsNotReported() throws Exception {
    try (ContainerDisconnects disconnects = new ContainerDisconnects(true, true, DELAY);
        ServerSocketChannel server = listen()) {
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      try (SocketChannel accepted = server.accept()) {
        accepted.configureBlocking(false); // as a server's connections are
        CountDownLatch gone = new CountDownLatch(1);
        Runnable end = disconnects.watchHttp1(accepted, gone::countDown);
        end.run(); // answered at once
        client.close();
        assertFalse(
            gone.await(DELAY.toMillis() * 3, java.util.concurrent.TimeUnit.MILLISECONDS),
            "a close after the request ended was reported");
      }
    }
  }

  private static ServerSocketChannel listen() throws Exception {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return s;
  }
}
