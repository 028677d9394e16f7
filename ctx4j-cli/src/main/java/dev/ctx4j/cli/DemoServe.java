package dev.ctx4j.cli;

import java.io.PrintStream;

/** {@code demo --serve}: keeps the live debug page up until the process is stopped. */
final class DemoServe {
  private DemoServe() {}

  static void serve(PrintStream out) throws InterruptedException {
    out.println("--serve: the debug server is not available in this build");
  }
}
