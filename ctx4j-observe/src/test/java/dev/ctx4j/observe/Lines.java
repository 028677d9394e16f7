package dev.ctx4j.observe;

/** Source-line helpers for tests that check recorded code sites. */
final class Lines {
  private Lines() {}

  /** The line number of the caller of this method. */
  static int here() {
    return StackWalker.getInstance().walk(s -> s.skip(1).findFirst().orElseThrow()).getLineNumber();
  }

  /** Spins (no sleeping) until {@code condition} holds, failing after {@code seconds}. */
  static void awaitTrue(String what, java.util.function.BooleanSupplier condition, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
