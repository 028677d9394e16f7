package dev.ctx4j.observe;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The current tick: a {@link Registry.Stamp}, with its table of open groups ({@link Epoch}),
 * replaced once per {@link #TICK_NANOS} by a daemon thread, so stamping a new context with its
 * creation time costs one volatile read instead of a clock call (about 25 ns on a virtualised
 * machine, as much as creating the context) and an allocation. A tick's time is never ahead of the
 * real clock: an age computed from it is at most one tick (more while the machine is overloaded)
 * too long. Ticks are numbered; {@link #advance} also starts a new one, which is how {@link
 * ContextTree#mark()} separates the contexts created before it from those created after. The thread
 * starts with the first traced context.
 */
final class CoarseClock {
  static final long TICK_NANOS = 1_000_000L;

  /** Slots of a tick's table of open groups: a power of two. */
  static final int GROUP_SLOTS = 64;

  /**
   * A tick's stamp and its table of groups being filled: slot {@code threadId & (GROUP_SLOTS - 1)}
   * holds the newest group of a thread that hashes there (a hint: a thread that finds another's
   * group opens its own). Only this class and threads creating a context refer to an epoch, so a
   * table holds no group for longer than its tick: the stamp, which linked children keep, does not
   * refer to it.
   */
  static final class Epoch {
    final Registry.Stamp tick;
    final Registry.Group[] open = new Registry.Group[GROUP_SLOTS];

    Epoch(long seq, long nanos) {
      this.tick = new Registry.Stamp(seq, nanos, null);
    }
  }

  private static final AtomicReference<Epoch> CURRENT =
      new AtomicReference<>(new Epoch(1, System.nanoTime()));

  static {
    Thread.ofPlatform().daemon().name("ctx4j-trace-clock").start(CoarseClock::tick);
  }

  private CoarseClock() {}

  /** The current tick. */
  static Registry.Stamp current() {
    return CURRENT.get().tick;
  }

  /** The current tick with its table of open groups. */
  static Epoch epoch() {
    return CURRENT.get();
  }

  /**
   * Starts a new tick now; returns the number of the tick it ends, so every context stamped before
   * this call has a number no greater than the result, and every one stamped after a greater one.
   */
  static long advance() {
    while (true) {
      Epoch c = CURRENT.get();
      if (CURRENT.compareAndSet(c, new Epoch(c.tick.seq + 1, System.nanoTime()))) {
        return c.tick.seq;
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
