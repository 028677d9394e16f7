package dev.ctx4j;

/**
 * The clock and the one deadline scheduler shared by every timed context.
 *
 * <p>Production uses {@link SystemTimers}; tests in this package install a manual clock with {@link
 * #install} so that deadlines fire when the test says, not when a sleep ends.
 */
abstract class Timers {
  /** Holds the installed instance apart, so initializing Timers never waits for a subclass. */
  private static final class Installed {
    static volatile Timers current = SystemTimers.INSTANCE;
  }

  static Timers get() {
    return Installed.current;
  }

  /** Test hook: replaces the clock and scheduler; returns the previous one. */
  static Timers install(Timers timers) {
    Timers previous = Installed.current;
    Installed.current = timers;
    return previous;
  }

  /** Monotonic time in nanoseconds (compare values with {@code a - b}). */
  abstract long nanoTime();

  /** The shard a timer armed by the calling thread goes to (its lock and its list). */
  abstract TimerBuckets shard();

  /**
   * Schedules {@code node.expire()} at {@code node.when()}; {@code node.shard} came from {@link
   * #shard()} of this scheduler.
   */
  abstract void arm(TimerNode node);

  /**
   * Forgets {@code node}'s timer at once; does nothing if it is not armed. Never wakes the
   * scheduler: at worst it wakes once, at the old time, and finds nothing due.
   */
  static void disarm(TimerNode node) {
    TimerBuckets s = node.shard;
    synchronized (s) {
      s.remove(node);
    }
  }

  /** Number of armed timers (for tests and diagnostics). */
  abstract int pending();
}
