package dev.ctx4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link DisconnectWatcher.Watch#yieldToWatcher()} (ADR 0131), on real loopback connections: a
 * handler woken by the watcher's end waits until the watcher has ended every request of that round,
 * and no longer; a handler whose watch the watcher never ended does not wait at all.
 */
class DisconnectWatcherYieldTest {

  @Test
  void aHandlerEndedByTheWatcherWaitsUntilTheRoundEnds_thenGoesOn() throws Exception {
    try (ServerSocketChannel server =
            ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        DisconnectWatcher watcher = new DisconnectWatcher("yield-test-watcher");
        Socket client = new Socket()) {
      client.connect(server.getLocalAddress());
      SocketChannel channel = server.accept();
      channel.configureBlocking(false);
      CountDownLatch gone = new CountDownLatch(1);
      CountDownLatch roundGoesOn = new CountDownLatch(1); // holds the round as a long one would
      DisconnectWatcher.Watch[] watch = new DisconnectWatcher.Watch[1];
      watch[0] =
          watcher.watch(
              channel,
              () -> {
                gone.countDown();
                try {
                  roundGoesOn.await(); // the rest of the round: more ends on the watcher thread
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      client.close();
      assertTrue(gone.await(10, TimeUnit.SECONDS), "the hang-up was not detected");

      AtomicLong returnedAt = new AtomicLong();
      Thread handler =
          Thread.ofPlatform()
              .start(
                  () -> {
                    watch[0].yieldToWatcher();
                    returnedAt.set(System.nanoTime());
                  });
      awaitParked(handler);
      assertEquals(0, returnedAt.get(), "the handler went on while the round was still ending");
      long releasedAt = System.nanoTime();
      roundGoesOn.countDown();
      handler.join(TimeUnit.SECONDS.toMillis(10));
      assertTrue(returnedAt.get() >= releasedAt, "the handler did not go on after the round");
      assertTrue(
          returnedAt.get() - releasedAt < DisconnectWatcher.MAX_YIELD_NANOS,
          "the handler was released by its timeout, not by the round's end");
      channel.close();
    }
  }

  @Test
  void aHandlerWhoseClientStayedDoesNotWait() throws Exception {
    try (ServerSocketChannel server =
            ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        DisconnectWatcher watcher = new DisconnectWatcher("yield-test-watcher");
        Socket client = new Socket()) {
      client.connect(server.getLocalAddress());
      SocketChannel channel = server.accept();
      channel.configureBlocking(false);
      DisconnectWatcher.Watch watch =
          watcher.watch(channel, () -> fail("the client did not leave"));
      long start = System.nanoTime();
      watch.yieldToWatcher();
      watch.end();
      watch.yieldToWatcher();
      assertTrue(
          System.nanoTime() - start < DisconnectWatcher.MAX_YIELD_NANOS / 2,
          "a watch the watcher never ended made its handler wait");
      channel.close();
    }
  }

  @Test
  void aHandlerWaitingOnARoundGoesOnWhenTheWatcherCloses_beforeTheRoundEnds() throws Exception {
    ServerSocketChannel server =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    DisconnectWatcher watcher = new DisconnectWatcher("yield-test-watcher");
    try (server;
        Socket client = new Socket()) {
      client.connect(server.getLocalAddress());
      SocketChannel channel = server.accept();
      channel.configureBlocking(false);
      CountDownLatch gone = new CountDownLatch(1);
      CountDownLatch roundGoesOn = new CountDownLatch(1);
      DisconnectWatcher.Watch watch =
          watcher.watch(
              channel,
              () -> {
                gone.countDown();
                try {
                  roundGoesOn.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      client.close();
      assertTrue(gone.await(10, TimeUnit.SECONDS), "the hang-up was not detected");
      CountDownLatch returned = new CountDownLatch(1);
      Thread handler =
          Thread.ofPlatform()
              .start(
                  () -> {
                    watch.yieldToWatcher();
                    returned.countDown();
                  });
      awaitParked(handler);
      Thread closer = Thread.ofPlatform().start(watcher::close); // joins the watcher thread
      try {
        assertTrue(
            returned.await(DisconnectWatcher.MAX_YIELD_NANOS / 2, TimeUnit.NANOSECONDS),
            "the handler still waits on a round of a closed watcher");
      } finally {
        roundGoesOn.countDown(); // the watcher thread can finish its round and exit
      }
      closer.join(TimeUnit.SECONDS.toMillis(10));
      channel.close();
    }
  }

  /** Waits until {@code t} parks (its yield is waiting); nothing signals that. */
  private static void awaitParked(Thread t) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > end || !t.isAlive()) {
        fail("the handler did not wait: " + t.getState());
      }
      Thread.onSpinWait();
    }
  }
}
