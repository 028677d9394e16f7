package dev.ctx4j;

import java.util.concurrent.locks.LockSupport;

/**
 * The production scheduler: {@link ShardedTimers} on {@link System#nanoTime()}, with one daemon
 * platform thread ({@code ctx4j-timer}) started on the first arm. It parks until the planned wake,
 * or without a timeout when nothing is armed: zero CPU while nothing expires.
 */
final class SystemTimers extends ShardedTimers {
  static final SystemTimers INSTANCE = new SystemTimers(defaultShards());

  private Thread thread; // written once, under the lock, before the first wake()

  private SystemTimers(int shardCount) {
    super(shardCount);
  }

  /** A few shards per core, so threads that arm at once rarely share a lock. */
  private static int defaultShards() {
    int wanted = Math.min(64, 4 * Math.max(1, Runtime.getRuntime().availableProcessors()));
    return Integer.highestOneBit(wanted * 2 - 1);
  }

  @Override
  long nanoTime() {
    return System.nanoTime();
  }

  @Override
  void start() {
    thread = Thread.ofPlatform().daemon().name("ctx4j-timer").unstarted(this::loop);
    thread.start();
  }

  @Override
  void wake() {
    LockSupport.unpark(thread);
  }

  private void loop() {
    while (true) {
      int next = pass();
      if (next == FOREVER) {
        LockSupport.park(this);
      } else if (next == TIMED) {
        long left = passWake - System.nanoTime();
        if (left > 0) {
          LockSupport.parkNanos(this, left);
        }
      }
    }
  }
}
