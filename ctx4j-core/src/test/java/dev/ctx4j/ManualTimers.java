package dev.ctx4j;

import java.time.Duration;

/**
 * A manual clock and scheduler for deadline tests: time moves only when a test calls {@link
 * #advance}, and due timers then fire synchronously on the calling thread, earliest first, through
 * {@link TimerNode#expire()} as the production scheduler would.
 *
 * <p>The clock starts half an hour before {@code Long.MAX_VALUE}, so every test that advances it
 * past that point also proves that deadlines compare as {@code a - b < 0}, never {@code a < b}.
 *
 * <p>Install with {@link #install()} and close (try-with-resources or an {@code @AfterEach});
 * {@link #close()} restores the previous clock and fails if the test left a timer armed.
 */
final class ManualTimers extends Timers implements AutoCloseable {
  static final long START = Long.MAX_VALUE - Duration.ofMinutes(30).toNanos();

  private final TimerBuckets timers = new TimerBuckets(); // guarded by its own monitor
  private volatile long now = START;
  private Timers previous;

  private ManualTimers() {}

  /** Installs a fresh manual clock for the calling test. */
  static ManualTimers install() {
    ManualTimers timers = new ManualTimers();
    timers.previous = Timers.install(timers);
    return timers;
  }

  @Override
  long nanoTime() {
    return now;
  }

  @Override
  TimerBuckets shard() {
    return timers;
  }

  @Override
  void arm(TimerNode node) {
    synchronized (timers) {
      timers.add(node);
    }
  }

  @Override
  int pending() {
    synchronized (timers) {
      return timers.size();
    }
  }

  /**
   * A manual clock that the caller installs itself with {@link Timers#install} (Lincheck tests,
   * which install one per scenario and restore the system clock once at the end).
   */
  static ManualTimers create() {
    return new ManualTimers();
  }

  /**
   * Fires {@code node} now, whatever the clock says, exactly as the production scheduler does: take
   * it out of its shard under the lock, then expire it outside. Returns false if it was not armed.
   */
  boolean fire(TimerNode node) {
    synchronized (timers) {
      if (!timers.remove(node)) {
        return false;
      }
    }
    node.expire();
    return true;
  }

  /** True if {@code node} is armed on this clock. */
  boolean isArmed(TimerNode node) {
    synchronized (timers) {
      return node.bucket != null;
    }
  }

  /** Moves the clock by {@code d} and fires every timer now due, on this thread. */
  void advance(Duration d) {
    advanceWithoutFiring(d);
    fireDue();
  }

  /** Moves the clock only, as if the scheduler thread had not woken yet (S37). */
  synchronized void advanceWithoutFiring(Duration d) {
    now += d.toNanos();
  }

  /** Fires, earliest first, every armed timer whose deadline has passed. */
  void fireDue() {
    while (true) {
      TimerNode due;
      synchronized (timers) {
        due = timers.pollDue(now);
      }
      if (due == null) {
        return;
      }
      due.expire(); // outside the lock, as the production scheduler does
    }
  }

  /** Restores the previous clock; fails if a timer is still armed (the test leaked a context). */
  @Override
  public void close() {
    Timers.install(previous);
    int left = pending();
    if (left != 0) {
      throw new AssertionError(left + " timer(s) still armed on the manual clock at the end");
    }
  }
}
