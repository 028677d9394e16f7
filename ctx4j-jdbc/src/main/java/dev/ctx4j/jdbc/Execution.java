package dev.ctx4j.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One execution of a statement under a context that can end: the gate between the thread that runs
 * the driver call, the callback that cancels it and, when a cancel does not stop it in time, the
 * abort of its connection.
 *
 * <p>States, decided by compare-and-set on {@link #state}:
 *
 * <pre>
 *   RUNNING ──canceller──▶ CANCELLING ──canceller──▶ CANCEL_SENT ──canceller──▶ CANCELLING …
 *      │                        (owner waits)              │
 *      │        aborter (from RUNNING, CANCELLING or CANCEL_SENT) ──▶ ABORTING ──▶ ABORTED
 *      │                                                            (owner waits)     │
 *      └───────owner──▶ FINISHED ◀──────────owner──────────────────────────────────────┘
 * </pre>
 *
 * <ul>
 *   <li>Only the canceller enters {@code CANCELLING}, and only from {@code RUNNING} or {@code
 *       CANCEL_SENT}: a cancel is never issued once the owner has finished (the pgjdbc #412/#413
 *       race, where a late cancel killed the next query on a pooled connection).
 *   <li>Only the owner enters {@code FINISHED}, and never from {@code CANCELLING} or {@code
 *       ABORTING}: while {@code Statement.cancel()} or {@code Connection.abort()} is in progress
 *       the owner waits for it to return, so neither outlives the execution it was meant for.
 *   <li>A cancel may land before the driver has sent the query (H2 and PostgreSQL then ignore it),
 *       so the canceller repeats it with a growing pause until the owner finishes.
 *   <li>A cancel may never arrive (the server cannot be reached on the new connection that
 *       PostgreSQL and MariaDB need for it): if the owner has not finished {@code abortAfter} after
 *       the context ended and no {@code Statement.cancel()} has returned normally, the aborter
 *       aborts the connection ({@link Connection#abort}), which ends the driver call with a
 *       connection failure; the pool then discards the connection. Once aborted, no cancel is sent
 *       again.
 * </ul>
 */
final class Execution implements Runnable {
  private static final System.Logger LOG = System.getLogger(Execution.class.getName());

  static final int RUNNING = 0;
  static final int CANCELLING = 1;
  static final int CANCEL_SENT = 2;
  static final int FINISHED = 3;
  static final int ABORTING = 4;
  static final int ABORTED = 5;

  /** First pause before a cancel is repeated, and the longest one. */
  static final long FIRST_RETRY_NANOS = 2_000_000L;

  static final long MAX_RETRY_NANOS = 100_000_000L;

  private final Statement target;
  private final Connection connection;
  private final long abortAfterNanos;
  private final Thread owner;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private volatile Thread canceller; // set by the canceller before its first cancel
  private volatile Thread aborter; // set by the aborter before it waits
  private volatile boolean delivered; // a Statement.cancel() returned normally
  private int cancels; // written by the canceller only; read by the owner after finish()

  /** An execution whose connection is never aborted (the cancel alone must stop it). */
  Execution(Statement target) {
    this(target, null, -1);
  }

  /**
   * @param connection aborted if the execution has not finished {@code abortAfterNanos} after the
   *     context ended; null, or a negative time, never aborts
   */
  Execution(Statement target, Connection connection, long abortAfterNanos) {
    this.target = target;
    this.connection = connection;
    this.abortAfterNanos = connection == null ? -1 : abortAfterNanos;
    this.owner = Thread.currentThread();
  }

  /**
   * Called once the context has ended: starts the aborter (if this execution has one) and cancels
   * the statement, again and again, until the owner finishes.
   */
  @Override
  public void run() {
    canceller = Thread.currentThread();
    if (abortAfterNanos >= 0 && state.get() != FINISHED) {
      Contexts.CANCEL_EXECUTOR.execute(this::abortIfStillRunning);
    }
    long pause = FIRST_RETRY_NANOS;
    while (enterCancelling()) {
      try {
        cancels++;
        target.cancel();
        delivered = true;
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.DEBUG, "Statement.cancel() failed", e);
      } finally {
        // Only the canceller leaves CANCELLING, unless the aborter took over meanwhile.
        state.compareAndSet(CANCELLING, CANCEL_SENT);
        LockSupport.unpark(owner);
      }
      LockSupport.parkNanos(this, pause); // the owner unparks us when it finishes
      pause = Math.min(pause * 2, MAX_RETRY_NANOS);
    }
  }

  private boolean enterCancelling() {
    int s = state.get();
    return (s == RUNNING || s == CANCEL_SENT) && state.compareAndSet(s, CANCELLING);
  }

  /**
   * The aborter: waits {@code abortAfterNanos}, then aborts the connection if the execution is
   * still running and no cancel has been delivered (every {@code Statement.cancel()} so far failed
   * or is still blocked). A delivered cancel is left to work: the server has it.
   */
  private void abortIfStillRunning() {
    aborter = Thread.currentThread();
    long end = System.nanoTime() + abortAfterNanos;
    long left;
    while (state.get() != FINISHED && (left = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left); // the owner unparks us when it finishes
    }
    for (; ; ) {
      int s = state.get();
      if (s == FINISHED || s == ABORTING || s == ABORTED || delivered) {
        return;
      }
      if (state.compareAndSet(s, ABORTING)) {
        break;
      }
    }
    try {
      LOG.log(
          Level.DEBUG,
          "the statement did not stop within {0} ms of its context ending; aborting its connection",
          abortAfterNanos / 1_000_000);
      connection.abort(Contexts.CANCEL_EXECUTOR);
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Connection.abort() failed", e);
    } finally {
      state.set(ABORTED); // only the aborter leaves ABORTING
      LockSupport.unpark(owner);
    }
  }

  /**
   * The owner, once the driver call has returned or thrown: closes the gate, first waiting for a
   * {@code Statement.cancel()} in progress to return. Never interrupted; an interrupt that arrives
   * meanwhile is kept for the caller.
   *
   * @return true if a cancel was sent, or the connection aborted, during this execution
   */
  boolean finish() {
    boolean interrupted = false;
    try {
      for (; ; ) {
        int s = state.get();
        if (s == CANCELLING || s == ABORTING) {
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
          Thread a = aborter;
          if (a != null) {
            LockSupport.unpark(a);
          }
          return s == CANCEL_SENT || s == ABORTED;
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
