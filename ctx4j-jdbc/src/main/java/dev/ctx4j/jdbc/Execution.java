package dev.ctx4j.jdbc;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One execution of a statement under a context that can end: the gate between the thread that runs
 * the driver call and the callback that cancels it.
 *
 * <p>States, decided by compare-and-set on {@link #state}:
 *
 * <pre>
 *   RUNNING ──canceller──▶ CANCELLING ──canceller──▶ CANCEL_SENT ──canceller──▶ CANCELLING …
 *      │                        (owner waits)              │
 *      └───────owner──▶ FINISHED ◀──────────owner──────────┘
 * </pre>
 *
 * <ul>
 *   <li>Only the canceller enters {@code CANCELLING}, and only from {@code RUNNING} or {@code
 *       CANCEL_SENT}: a cancel is never issued once the owner has finished (the pgjdbc #412/#413
 *       race, where a late cancel killed the next query on a pooled connection).
 *   <li>Only the owner enters {@code FINISHED}, and never from {@code CANCELLING}: while {@code
 *       Statement.cancel()} is in progress the owner waits for it to return, so no cancel outlives
 *       the execution it was meant for.
 *   <li>A cancel may land before the driver has sent the query (H2 and PostgreSQL then ignore it),
 *       so the canceller repeats it with a growing pause until the owner finishes.
 * </ul>
 */
final class Execution implements Runnable {
  private static final System.Logger LOG = System.getLogger(Execution.class.getName());

  static final int RUNNING = 0;
  static final int CANCELLING = 1;
  static final int CANCEL_SENT = 2;
  static final int FINISHED = 3;

  /** First pause before a cancel is repeated, and the longest one. */
  static final long FIRST_RETRY_NANOS = 2_000_000L;

  static final long MAX_RETRY_NANOS = 100_000_000L;

  private final Statement target;
  private final Thread owner;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private volatile Thread canceller; // set by the canceller before its first cancel
  private int cancels; // written by the canceller only; read by the owner after finish()

  Execution(Statement target) {
    this.target = target;
    this.owner = Thread.currentThread();
  }

  /** The canceller: cancels the statement, again and again, until the owner finishes. */
  @Override
  public void run() {
    canceller = Thread.currentThread();
    long pause = FIRST_RETRY_NANOS;
    while (enterCancelling()) {
      try {
        cancels++;
        target.cancel();
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.DEBUG, "Statement.cancel() failed", e);
      } finally {
        state.set(CANCEL_SENT); // only the canceller leaves CANCELLING
        LockSupport.unpark(owner);
      }
      LockSupport.parkNanos(this, pause); // the owner unparks us when it finishes
      pause = Math.min(pause * 2, MAX_RETRY_NANOS);
    }
  }

  private boolean enterCancelling() {
    int s = state.get();
    return s != FINISHED && state.compareAndSet(s, CANCELLING);
  }

  /**
   * The owner, once the driver call has returned or thrown: closes the gate, first waiting for a
   * {@code Statement.cancel()} in progress to return. Never interrupted; an interrupt that arrives
   * meanwhile is kept for the caller.
   *
   * @return true if a cancel was sent during this execution
   */
  boolean finish() {
    boolean interrupted = false;
    try {
      for (; ; ) {
        int s = state.get();
        if (s == CANCELLING) {
          LockSupport.park(this);
          if (Thread.interrupted()) {
            interrupted = true; // park would return at once while the flag is set
          }
          continue;
        }
        if (state.compareAndSet(s, FINISHED)) {
          Thread c = canceller;
          if (c != null) {
            LockSupport.unpark(c);
          }
          return s == CANCEL_SENT;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How many times {@code Statement.cancel()} was called; valid after {@link #finish()}. */
  int cancels() {
    return cancels;
  }

  int state() {
    return state.get();
  }
}
