package dev.ctx4j.http;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.TaskGroup;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The child of {@link ProcessExitFaultsTest}: leaves ctx4j's machinery live and returns from main.
 * Contexts with far deadlines (the timer thread armed), a TaskGroup whose tasks wait on their
 * context, callbacks registered and never run, a disconnect watcher watching a live connection;
 * then prints every live thread as {@code thread name daemon=...} and returns. The JVM must exit.
 */
public final class LiveAtExit {
  private LiveAtExit() {}

  public static void main(String[] args) throws Exception {
    CancellableContext root = Context.background().withTimeout(Duration.ofHours(1));
    for (int i = 0; i < 1_000; i++) {
      CancellableContext c = root.withDeadline(java.time.Instant.now().plusSeconds(600 + i));
      var unused = c.afterDone(() -> System.out.println("a callback ran at exit"));
    }
    TaskGroup group = TaskGroup.open(root);
    for (int i = 0; i < 10; i++) {
      var unused =
          group.fork(
              ctx -> {
                ctx.await();
                return null;
              });
    }
    ServerSocketChannel server =
        ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    SocketChannel client = SocketChannel.open(server.getLocalAddress());
    SocketChannel accepted = server.accept();
    accepted.configureBlocking(false);
    DisconnectWatcher watcher = new DisconnectWatcher("ctx4j-http-disconnect-watcher");
    var unusedWatch = watcher.watch(accepted, root::cancel);
    // until the timer thread and the watcher's thread run (nothing signals their start)
    long end = System.nanoTime() + 10_000_000_000L;
    while (!running("ctx4j-timer") || !running("ctx4j-http-disconnect-watcher")) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the timer or the watcher thread never started");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      System.out.println("thread " + t.getName() + " daemon=" + t.isDaemon());
    }
    System.out.println(
        "returning with " + (root.isDone() ? "a done" : "a live") + " root; " + client.isOpen());
  }

  private static boolean running(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
