package dev.ctx4j;

import dev.ctx4j.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Go's {@code timerCtx}: a cancel scope that also ends at a deadline. The node is its own entry in
 * the timer structure ({@link TimerBuckets}: the list fields below), so arming a timer allocates
 * nothing but the {@link Deadline}. A deadline no earlier than the parent's arms nothing (S11); one
 * beyond the clock's horizon arms nothing either (B2); cancelling disarms at once (S13).
 */
final class TimerNode extends CancelNode.Traced {
  private static final DateTimeFormatter HUMAN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

  final Deadline ownDeadline; // this node's own deadline, or null when the parent's is earlier
  private final Object requested; // the Duration or Instant the caller gave, for toString()
  private final Throwable expiryCause; // cause() on expiry; null means err()

  /**
   * The shard this node's timer is armed in, or null if it never arms one. Final, so a cancelling
   * thread always finds the lock to take: arming adds under it and then reads {@link #state}, and
   * {@link #onDone} runs after {@code state} is set and removes under it. Whichever takes the lock
   * second sees the other's work, so no timer outlives its node and no volatile flag is needed.
   */
  final TimerBuckets shard;

  TimerBuckets.Bucket bucket; // guarded by shard; non-null exactly while armed
  TimerNode timerPrev; // guarded by shard: the bucket's list
  TimerNode timerNext; // guarded by shard

  private TimerNode(
      Node parent,
      Deadline deadline,
      Deadline own,
      Object requested,
      Throwable expiryCause,
      TimerBuckets shard) {
    super(parent, deadline);
    this.ownDeadline = own;
    this.requested = requested;
    this.expiryCause = expiryCause;
    this.shard = shard;
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
    Deadline effective = parentFirst ? inherited : mine;
    if (parent.ended()) {
      TimerNode node = new TimerNode(parent, effective, own, requested, cause, null);
      node.state = parent.doneState(); // S7: the parent's err and cause win
      return Tracing.created(node);
    }
    if (own != null && offset <= 0) {
      TimerNode node = new TimerNode(parent, effective, own, requested, cause, null);
      node.state = Propagation.completed(DeadlineExceededException.SHARED, cause); // S10
      return Tracing.created(node);
    }
    boolean timed = own != null && offset < Deadline.HORIZON_NANOS;
    TimerNode node =
        new TimerNode(parent, effective, own, requested, cause, timed ? timers.shard() : null);
    if (node.attach() && timed) {
      timers.arm(node);
      if (node.ended()) {
        Timers.disarm(node); // cancelled by the parent between attach and arm
      }
    }
    return Tracing.created(node);
  }

  long when() {
    return ownDeadline.nanos;
  }

  /** The deadline passed: end this node and its subtree with {@link DeadlineExceededException}. */
  void expire() {
    if (!ended()) {
      cancelWith(new Propagation(DeadlineExceededException.SHARED, expiryCause));
    }
  }

  @Override
  void onDone() {
    super.onDone();
    if (shard != null) {
      Timers.disarm(this);
    }
  }

  @Override
  String segment() {
    if (requested instanceof Duration d) {
      return "withTimeout(" + Durations.format(d) + ")";
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
