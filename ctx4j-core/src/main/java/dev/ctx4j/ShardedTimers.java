package dev.ctx4j;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The scheduler's logic, apart from its thread: timers in a few {@link TimerBuckets} shards (picked
 * by the arming thread, each with its own lock), and one thread, started on first use, sleeping
 * until the earliest deadline ({@link SystemTimers} in production).
 *
 * <h2>The wake protocol</h2>
 *
 * <p>The thread publishes a plan: "I will look at the timers again no later than {@link
 * #plannedWake}" ({@link #planned}). Arming a deadline at or after the plan costs two volatile
 * reads and wakes nobody; only a deadline earlier than the plan (or arming with no plan at all)
 * takes this object's lock, lowers the plan and unparks the thread. Disarming never wakes it.
 *
 * <p>Each pass of the thread withdraws the plan first (so any timer armed from then on takes the
 * slow path), takes due timers from every shard, and then sets the new plan: the earliest armed
 * deadline, or the earlier deadline an arming thread recorded meanwhile. Arms that find the thread
 * mid-pass only record their deadline; the pass folds it in, so they need not unpark it. With
 * nothing armed the thread keeps a still-future plan (it was woken for a timer that has since been
 * cancelled): it sleeps until then, wakes once, finds nothing and parks without a timeout. So a
 * stream of create + cancel wakes it about once per timeout length, not once per timer, and with
 * nothing due it uses no CPU.
 *
 * <p>The protocol is model-checked by {@code LincheckSchedulerTest}; the thread's step is {@link
 * #pass()}; the clock, the thread's start and its unpark are what a subclass provides.
 */
abstract class ShardedTimers extends Timers {
  /** {@link #pass()} results. */
  static final int AGAIN = 0;

  static final int FOREVER = 1;
  static final int TIMED = 2;

  private final AtomicReferenceArray<TimerBuckets> shards; // created by their first arming thread
  private final int mask;

  private volatile boolean planned; // written under this
  private volatile long plannedWake; // written under this; meaningful while planned
  private boolean scanning; // guarded by this: a pass is under way and will fold in new plans
  private boolean started; // guarded by this
  long passWake; // confined to the scheduler thread: when to wake after a TIMED pass

  ShardedTimers(int shardCount) {
    if (Integer.bitCount(shardCount) != 1) {
      throw new IllegalArgumentException("shard count must be a power of two: " + shardCount);
    }
    shards = new AtomicReferenceArray<>(shardCount);
    mask = shardCount - 1;
  }

  @Override
  TimerBuckets shard() {
    int i = (int) Thread.currentThread().threadId() & mask;
    TimerBuckets s = shards.get(i);
    return s != null ? s : newShard(i);
  }

  private TimerBuckets newShard(int i) {
    TimerBuckets fresh = new TimerBuckets(); // allocated by its user: no false sharing
    TimerBuckets witness = shards.compareAndExchange(i, null, fresh);
    return witness == null ? fresh : witness;
  }

  @Override
  void arm(TimerNode node) {
    TimerBuckets s = node.shard;
    synchronized (s) {
      s.add(node);
    }
    long d = node.when();
    if (planned && d - plannedWake >= 0) {
      return; // the thread looks again by then anyway
    }
    replan(d);
  }

  private void replan(long d) {
    boolean wake;
    synchronized (this) {
      if (planned && d - plannedWake >= 0) {
        return;
      }
      plannedWake = d;
      planned = true;
      if (!started) {
        started = true;
        start();
        return;
      }
      wake = !scanning; // a pass under way folds the new plan in
    }
    if (wake) {
      wake();
    }
  }

  /** Starts the scheduler thread; called once, under this object's lock. */
  abstract void start();

  /** Unparks the scheduler thread so it plans again. */
  abstract void wake();

  @Override
  int pending() {
    int n = 0;
    for (int i = 0; i < shards.length(); i++) {
      TimerBuckets s = shards.get(i);
      if (s != null) {
        synchronized (s) {
          n += s.size();
        }
      }
    }
    return n;
  }

  /**
   * One look at the timers: expires every due timer, earliest first, and returns {@link #AGAIN} if
   * it did (look again at once); otherwise plans the next look and returns {@link #TIMED} (sleep
   * until {@link #passWake}, or until woken) or {@link #FOREVER} (sleep until woken).
   */
  final int pass() {
    boolean hadPlan;
    long previous;
    synchronized (this) {
      hadPlan = planned;
      previous = plannedWake;
      planned = false; // from now on every arm takes the slow path and records its deadline
      scanning = true;
    }
    long now = nanoTime();
    List<TimerNode> due = null;
    boolean any = false;
    long earliest = 0;
    for (int i = 0; i < shards.length(); i++) {
      TimerBuckets s = shards.get(i);
      if (s == null) {
        continue;
      }
      synchronized (s) {
        due = s.takeDue(now, due);
        if (!s.isEmpty() && (!any || s.earliest() - earliest < 0)) {
          earliest = s.earliest();
          any = true;
        }
      }
    }
    if (due != null) {
      expireInOrder(due); // still scanning: arms meanwhile are seen by the next pass
      return AGAIN;
    }
    synchronized (this) {
      scanning = false;
      if (planned) { // armed during the scan, perhaps in a shard already visited
        if (any && earliest - plannedWake < 0) {
          plannedWake = earliest;
        }
      } else if (any) {
        plannedWake = earliest;
        planned = true;
      } else if (hadPlan && previous - now > 0) {
        plannedWake = previous; // woken for a timer since cancelled: keep the plan, wake once
        planned = true;
      }
      if (!planned) {
        return FOREVER;
      }
      passWake = plannedWake;
      return TIMED;
    }
  }

  private static void expireInOrder(List<TimerNode> due) {
    if (due.size() > 1) {
      due.sort((a, b) -> Long.signum(a.when() - b.when())); // a parent's expiry must not pre-empt
    }
    for (TimerNode n : due) {
      try {
        n.expire();
      } catch (Throwable t) { // never let one expiry kill the timer thread
        Thread current = Thread.currentThread();
        current.getUncaughtExceptionHandler().uncaughtException(current, t);
      }
    }
  }
}
