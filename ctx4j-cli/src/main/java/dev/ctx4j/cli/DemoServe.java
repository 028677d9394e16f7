package dev.ctx4j.cli;

import dev.ctx4j.observe.DebugServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** {@code demo --serve}: keeps the live debug page up on 127.0.0.1 until the process is stopped. */
final class DemoServe {
  private DemoServe() {}

  static void serve(PrintStream out) throws IOException, InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "ctx4j-demo-stop"));
    serveUntil(out, stopped, uri -> {});
  }

  /** Serves until {@code stopped} opens; {@code started} learns the page's address first. */
  static void serveUntil(PrintStream out, CountDownLatch stopped, Consumer<URI> started)
      throws IOException, InterruptedException {
    try (DebugServer server = DebugServer.start(0)) {
      out.println();
      out.println("live debug page: " + server.uri() + "  (Ctrl-C to stop)");
      out.flush();
      started.accept(server.uri());
      stopped.await();
    }
  }
}
