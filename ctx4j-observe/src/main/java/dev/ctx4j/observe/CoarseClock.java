package dev.ctx4j.observe;

import java.util.concurrent.locks.LockSupport;

/**
 * A {@link System#nanoTime()} read once per {@link #TICK_NANOS} by a daemon thread, so recording
 * when a context was created costs one volatile read instead of a clock call (about 25 ns on a
 * virtualised machine, as much as creating the context). The value is never ahead of the real
 * clock: an age computed from it is at most one tick (more while the machine is overloaded) too
 * long. The thread starts with the first traced context.
 */
final class CoarseClock {
  static final long TICK_NANOS = 1_000_000L;

  private static volatile long now = System.nanoTime();

  static {
    Thread.ofPlatform().daemon().name("ctx4j-trace-clock").start(CoarseClock::tick);
  }

  private CoarseClock() {}

  /** The clock as of the last tick. */
  static long now() {
    return now;
  }

  private static void tick() {
    while (true) {
      LockSupport.parkNanos(TICK_NANOS);
      now = System.nanoTime();
    }
  }
}
