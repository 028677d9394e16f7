package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Deadline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One link from an {@code io.grpc.Context} to the ctx4j child that mirrors it.
 *
 * <p>The link is registered on both sides and removed from both as soon as either side ends: the
 * grpc listener is removed when the ctx4j child is done (for any reason), and grpc drops it by
 * itself once it has fired. So nothing stays registered after both ends finish, however they end.
 *
 * <p>One cost is grpc's own: grpc-java (1.85) leaks one entry into the nearest cancellable ancestor
 * of a cancellable context that gains listeners and then is cancelled or loses them (it removes the
 * entry under the wrong owner). A server call's context has no cancellable ancestor, so the server
 * path leaks nothing; a grpc context nested under another cancellable one costs its ancestor one
 * entry, exactly as any other listener on it would, until that ancestor is cancelled.
 */
final class FromGrpc implements io.grpc.Context.CancellationListener, Runnable {
  /**
   * How close to the mirrored deadline a grpc cancel may arrive and still be taken as that deadline
   * passing: the two clocks are read a few nanoseconds apart, and a client whose deadline fires
   * resets the stream just as the server's own timer is due.
   */
  static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Ends the ctx4j child once the grpc context is cancelled. */
  interface Ending {
    void end(CancellableContext child, io.grpc.Context cancelled);
  }

  private final io.grpc.Context grpc;
  private final CancellableContext child;
  private final Ending ending;

  private FromGrpc(io.grpc.Context grpc, CancellableContext child, Ending ending) {
    this.grpc = grpc;
    this.child = child;
    this.ending = ending;
  }

  static CancellableContext bridge(io.grpc.Context grpc, Context parent, Ending ending) {
    io.grpc.Deadline d = grpc.getDeadline();
    CancellableContext child =
        d == null
            ? parent.withCancel()
            : parent.withTimeout(Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS)));
    if (child.isDone()) {
      return child; // parent done or deadline passed: nothing to listen for
    }
    if (grpc.isCancelled()) {
      ending.end(child, grpc);
      return child;
    }
    FromGrpc link = new FromGrpc(grpc, child, ending);
    grpc.addListener(link, Direct.INLINE);
    child.afterDone(link, Direct.INLINE); // whichever side ends first, the grpc listener goes
    return child;
  }

  @Override
  public void cancelled(io.grpc.Context context) {
    ending.end(child, context);
  }

  /** The ctx4j child is done: forget the grpc listener (a no-op if grpc already fired it). */
  @Override
  public void run() {
    grpc.removeListener(this);
  }

  /** The plain mapping of {@link GrpcContexts#fromGrpc}: the cause passes through unchanged. */
  static void endPlain(CancellableContext child, io.grpc.Context cancelled) {
    Throwable cause = cancelled.cancellationCause();
    if (cause instanceof TimeoutException && endsAtDeadline(child, DEADLINE_SLACK_NANOS)) {
      return;
    }
    child.cancel(cause);
  }

  /**
   * True if the child's own deadline accounts for a grpc deadline cancel: it has passed (the child
   * is expired now, as its timer would have done) or is due within {@code slackNanos} (its timer is
   * about to). So the child ends with {@code DeadlineExceededException}, never early.
   */
  static boolean endsAtDeadline(CancellableContext child, long slackNanos) {
    Optional<Deadline> d = child.deadline();
    if (d.isEmpty()) {
      return false;
    }
    long left = d.get().remaining().toNanos();
    if (left <= 0) {
      child.withCancel().cancel(); // deriving from an overdue deadline expires its owner (S37)
      return true;
    }
    return left <= slackNanos;
  }
}
