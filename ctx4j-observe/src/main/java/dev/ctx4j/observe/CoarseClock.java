package dev.ctx4j.observe;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The current tick: a {@link Registry.Stamp} replaced once per {@link #TICK_NANOS} by a daemon
 * thread, so stamping a new context with its creation time costs one volatile read instead of a
 * clock call (about 25 ns on a virtualised machine, as much as creating the context) and an
 * allocation. A tick's time is never ahead of the real clock: an age computed from it is at most
 * one tick (more while the machine is overloaded) too long. Ticks are numbered; {@link #advance}
 * also starts a new one, which is how {@link ContextTree#mark()} separates the contexts created
 * before it from those created after. The thread starts with the first traced context.
 */
final class CoarseClock {
  static final long TICK_NANOS = 1_000_000L;

  private static final AtomicReference<Registry.Stamp> CURRENT =
      new AtomicReference<>(new Registry.Stamp(1, System.nanoTime(), null));

  static {
    Thread.ofPlatform().daemon().name("ctx4j-trace-clock").start(CoarseClock::tick);
  }

  private CoarseClock() {}

  /** The current tick. */
  static Registry.Stamp current() {
    return CURRENT.get();
  }

  /**
   * Starts a new tick now; returns the number of the tick it ends, so every context stamped before
   * this call has a number no greater than the result, and every one stamped after a greater one.
   */
  static long advance() {
    while (true) {
      Registry.Stamp c = CURRENT.get();
      if (CURRENT.compareAndSet(c, new Registry.Stamp(c.seq + 1, System.nanoTime(), null))) {
        return c.seq;
      }
    }
  }

  private static void tick() {
    while (true) {
      LockSupport.parkNanos(TICK_NANOS);
      advance();
    }
  }
}
