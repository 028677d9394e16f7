package dev.ctx4j;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Go's {@code timerCtx}: a cancel scope that also ends at a deadline. The node is its own entry in
 * the shared timer heap ({@link #heapIndex}), so arming a timer allocates nothing but the {@link
 * Deadline}. A deadline no earlier than the parent's arms nothing (S11); one beyond the clock's
 * horizon arms nothing either (B2); cancelling disarms at once (S13).
 */
final class TimerNode extends CancelNode {
  private static final DateTimeFormatter HUMAN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

  final Deadline ownDeadline; // this node's own deadline, or null when the parent's is earlier
  private final Object requested; // the Duration or Instant the caller gave, for toString()
  private final Throwable expiryCause; // cause() on expiry; null means err()
  int heapIndex = -1; // guarded by the timer service's lock; -1 when not armed
  // Set before arming and read by onDone: with the volatile state this is a Dekker pair, so either
  // onDone sees the timer armed and disarms it, or the arming thread sees the node done and does.
  private volatile boolean armed;

  private TimerNode(
      Node parent, Deadline deadline, Deadline own, Object requested, Throwable expiryCause) {
    super(parent, deadline);
    this.ownDeadline = own;
    this.requested = requested;
    this.expiryCause = expiryCause;
  }

  /**
   * withTimeout / withDeadline: {@code offset} is the clamped distance from now to the deadline.
   */
  static TimerNode childOf(Node parent, long offset, Object requested, Throwable cause) {
    parent.expireOverdueDeadline();
    Timers timers = Timers.get();
    Deadline inherited = parent.deadlineOrNull();
    Deadline mine = new Deadline(timers.nanoTime() + offset);
    boolean parentFirst = inherited != null && inherited.nanos - mine.nanos <= 0;
    Deadline own = parentFirst ? null : mine;
    TimerNode node = new TimerNode(parent, parentFirst ? inherited : mine, own, requested, cause);
    if (parent.isDone()) {
      node.state = parent.doneState(); // S7: the parent's err and cause win
    } else if (own != null && offset <= 0) {
      node.state = Propagation.completed(DeadlineExceededException.SHARED, cause); // S10
    } else if (node.attach() && own != null && offset < Deadline.HORIZON_NANOS) {
      node.armed = true;
      timers.arm(node);
      if (node.isDone()) {
        timers.disarm(node); // cancelled by the parent between attach and arm
      }
    }
    return Tracing.created(node);
  }

  long when() {
    return ownDeadline.nanos;
  }

  /** The deadline passed: end this node and its subtree with {@link DeadlineExceededException}. */
  void expire() {
    if (!isDone()) {
      cancelWith(new Propagation(DeadlineExceededException.SHARED, expiryCause));
    }
  }

  @Override
  void onDone() {
    super.onDone();
    if (armed) {
      Timers.get().disarm(this);
    }
  }

  @Override
  String segment() {
    if (requested instanceof Duration d) {
      return "withTimeout(" + GoDuration.format(d) + ")";
    }
    Instant at = (Instant) requested;
    String human;
    try {
      human = HUMAN.format(at.truncatedTo(ChronoUnit.MILLIS));
    } catch (RuntimeException outOfRange) { // Instant.MIN / MAX do not fit a calendar year
      human = at.toString();
    }
    return "withDeadline(" + human + ")";
  }
}
