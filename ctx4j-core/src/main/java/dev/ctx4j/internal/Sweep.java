package dev.ctx4j.internal;

import dev.ctx4j.CancellableContext;
import java.util.Objects;

/**
 * The hook behind ctx4j-junit's cancellation sweep (ADR 0124): while armed, every cancellation
 * point passed on the armed context or one of its descendants — {@code isDone}, {@code err}, {@code
 * throwIfDone}, {@code await}, {@code sleep}, {@code get}, {@code done()}, {@code
 * callInterruptibly}, and so every blocking call of the integrations, which check their context
 * through these — is reported to a listener, on the thread that passes it, before the point reads
 * the context's state; the listener may end the armed context right there. Not public API: exported
 * to ctx4j's own modules alone.
 *
 * <p>While nothing is armed a point costs one read of a plain static field (as tracing does while
 * off). One sweep at a time per JVM.
 */
public final class Sweep {
  /** What the point should do before it reads the context's state. */
  public enum Action {
    /** Nothing: the point goes on as usual. */
    PASS,
    /** Cancel the armed context here (a plain cancel, as a client going away). */
    CANCEL,
    /** Expire the armed context's deadline here ({@code DeadlineExceededException}). */
    EXPIRE
  }

  /** Told of each point; called on the thread at the point, maybe under the caller's locks. */
  public interface Listener {
    /**
     * A point was passed.
     *
     * @param operation the method, e.g. {@code isDone}, {@code sleep}
     * @param site the first frame of the user's code (never ctx4j's, the JDK's or a server's)
     * @return what to do there; must be quick and must not block
     */
    Action atPoint(String operation, StackTraceElement site);
  }

  /** What core implements; bound once by core. */
  public interface Core {
    Runnable arm(CancellableContext root, Listener listener);
  }

  private static volatile Core core;

  static {
    try {
      Class.forName("dev.ctx4j.Sweeps", true, Sweep.class.getClassLoader()); // binds core
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Sweep() {}

  /**
   * Called once by core.
   *
   * @throws IllegalStateException on a second call
   */
  public static synchronized void bind(Core c) {
    if (core != null) {
      throw new IllegalStateException("already bound");
    }
    core = Objects.requireNonNull(c, "c");
  }

  /**
   * Arms the sweep on {@code root} (a context from {@code withTimeout} or {@code withDeadline}, so
   * that it can be expired as well as cancelled). Arm before the swept work starts: points on
   * threads already running may not be seen at once. Points with no user frame on the stack (a
   * timer, a watcher thread) are not reported.
   *
   * @return disarms (idempotent)
   * @throws IllegalStateException if a sweep is already armed
   * @throws IllegalArgumentException if {@code root} has no deadline of its own
   */
  public static Runnable arm(CancellableContext root, Listener listener) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(listener, "listener");
    return core.arm(root, listener);
  }
}
