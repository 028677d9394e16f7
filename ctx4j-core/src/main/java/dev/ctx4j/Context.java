package dev.ctx4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * A cancellation scope with an optional deadline and request-scoped values: Go's {@code
 * context.Context} for Java.
 *
 * <p>Contexts form a tree. A root ({@link #background()}) is never done; each {@code with*} method
 * derives a child. Cancelling a context, or reaching its deadline, makes it and every descendant
 * done at once, synchronously; it never affects the parent or siblings. Only the owner of a {@link
 * CancellableContext} can cancel it: code that receives a plain {@code Context} can watch it but
 * never end it.
 *
 * <p>Contexts are immutable once built and safe to share between threads. Implementations are
 * ctx4j's own; the interface is sealed.
 */
public sealed interface Context permits CancellableContext, Node {

  /** The root of every tree: never done, no deadline, no values. A singleton. */
  static Context background() {
    return RootNode.BACKGROUND;
  }

  /** Same as {@link #background()}, marking code where the right context is not decided yet. */
  static Context todo() {
    return RootNode.TODO;
  }

  /**
   * The context bound on this thread by {@link #run}, {@link #call} or {@link #callInterruptibly},
   * else {@link #background()}. Bindings never leak to other threads. Never a {@link
   * CancellableContext}: binding one binds a {@linkplain CancellableContext#readOnly() read-only
   * view} of it, the same context for every reader, so code can watch {@code current()} but never
   * cast it and end a context it does not own.
   */
  static Context current() {
    return CurrentContext.get();
  }

  /** True once this context is done. Cheap: one volatile read on the hot path. */
  boolean isDone();

  /**
   * Null while live; once done, the shared {@link ContextCancelledException} or {@link
   * DeadlineExceededException} (stackless; never thrown by ctx4j itself).
   */
  ContextException err();

  /**
   * Null while live; once done, the cause given to {@code cancel(cause)} or to a {@code *Cause}
   * variant, else the same object as {@link #err()}.
   */
  Throwable cause();

  /** The earliest deadline on the path to the root, if any. */
  Optional<Deadline> deadline();

  /**
   * The value bound to {@code key} by the nearest {@link #withValue} toward the root, else null.
   *
   * @throws NullPointerException if {@code key} is null
   */
  <T> T value(Key<T> key);

  /**
   * A child that is done when cancelled or when this context is done. Cancelling the child releases
   * what it holds (its link to this context): cancel it as soon as the work running in it is done,
   * typically by closing it in try-with-resources.
   */
  CancellableContext withCancel();

  /**
   * A child that also ends with {@link DeadlineExceededException} at {@code deadline}. A deadline
   * later than this context's is the same as {@link #withCancel()}: it arms no timer. A deadline in
   * the past gives a child that is done at once. Cancelling the child releases what it holds (its
   * link to this context, its timer): cancel it as soon as the work running in it is done, even
   * before the deadline, typically by closing it in try-with-resources.
   *
   * @throws NullPointerException if {@code deadline} is null
   */
  CancellableContext withDeadline(Instant deadline);

  /** As {@link #withDeadline(Instant)}; on expiry {@link #cause()} is {@code cause}. */
  CancellableContext withDeadline(Instant deadline, Throwable cause);

  /**
   * Same as {@code withDeadline(now + timeout)}, on the monotonic clock. Zero or negative timeouts
   * give a child that is done at once; enormous ones are clamped and never overflow. Cancelling the
   * child releases what it holds (its link to this context, its timer): cancel it as soon as the
   * work running in it is done, even before the timeout, typically by closing it in
   * try-with-resources.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  CancellableContext withTimeout(Duration timeout);

  /** As {@link #withTimeout(Duration)}; on expiry {@link #cause()} is {@code cause}. */
  CancellableContext withTimeout(Duration timeout, Throwable cause);

  /**
   * A child that binds {@code key} to {@code value} (which may be null) and is otherwise this
   * context: same done-ness, err, cause and deadline. Opens no cancellation scope.
   *
   * @throws NullPointerException if {@code key} is null
   */
  <T> Context withValue(Key<T> key, T value);

  /** A child that keeps this context's values but is never done and has no deadline. */
  Context withoutCancel();

  /**
   * Runs {@code fn} once, on its own virtual thread, after this context is done; at once if it is
   * already done. Never runs {@code fn} on the cancelling thread. On a context that can never be
   * done, {@code fn} never runs and nothing is retained.
   *
   * @return a handle whose {@link Registration#stop()} keeps {@code fn} from running
   * @throws NullPointerException if {@code fn} is null
   */
  Registration afterDone(Runnable fn);

  /**
   * As {@link #afterDone(Runnable)}, but {@code fn} is handed to {@code executor}. This is the hook
   * integrations use (JDBC cancel, HTTP abort): the executor must not run {@code fn} inline on the
   * calling thread if {@code fn} may block; an exception thrown by {@code executor.execute} is
   * reported to the cancelling thread's uncaught-exception handler and stops nothing else.
   *
   * @throws NullPointerException if {@code fn} or {@code executor} is null
   */
  Registration afterDone(Runnable fn, Executor executor);

  /**
   * Blocks until done. Works the same on platform and virtual threads (the thread parks).
   *
   * @throws InterruptedException if interrupted while waiting, or on entry (checked first)
   */
  void await() throws InterruptedException;

  /**
   * Blocks until done or until {@code max} passes.
   *
   * @return true if done within {@code max}; for zero or negative {@code max}, {@link #isDone()}
   * @throws InterruptedException if interrupted while waiting, or on entry (checked first)
   * @throws NullPointerException if {@code max} is null
   */
  boolean await(Duration max) throws InterruptedException;

  /**
   * A stage that completes normally (with null) when this context is done; callers cannot complete
   * or cancel it, and its dependents never run on the cancelling thread.
   *
   * <p>On a context that can end, repeated calls return the same stage, and once any thread has
   * seen this context done, that stage reports complete ({@code isDone}, {@code join}, {@code get}
   * return at once), also a stage obtained before the cancel; dependents run shortly after, on
   * another thread. On a context that can never end ({@link #background()}, {@link #todo()}, {@link
   * #withoutCancel()} and values over them), each call returns a stage of its own that never
   * completes, so what a caller attaches lives only as long as the caller keeps the stage.
   */
  CompletionStage<Void> done();

  /**
   * Does nothing while live; once done throws a fresh exception of {@link #err()}'s class whose
   * {@code getCause()} is the custom cause, if one was given.
   */
  void throwIfDone();

  /**
   * Sleeps like {@link Thread#sleep}, but wakes and throws a fresh {@link ContextException} once
   * this context is done (at once if it already is).
   *
   * @throws InterruptedException if interrupted while sleeping
   * @throws NullPointerException if {@code d} is null
   */
  void sleep(Duration d) throws InterruptedException;

  /**
   * The result of {@code f}, or a fresh {@link ContextException} if this context is done first
   * ({@code f} is left untouched). A future that is already complete wins even on a done context.
   *
   * @throws ExecutionException if {@code f} failed
   * @throws NullPointerException if {@code f} is null
   */
  <T> T get(Future<T> f) throws ExecutionException, InterruptedException;

  /**
   * Runs {@code task} on this thread with {@link #current()} == this (a read-only view of this, if
   * this is a {@link CancellableContext}), restoring the binding after.
   */
  void run(Runnable task);

  /**
   * Calls {@code task} on this thread with {@link #current()} == this (a read-only view of this, if
   * this is a {@link CancellableContext}), restoring the binding after.
   */
  <T> T call(Callable<T> task) throws Exception;

  /**
   * As {@link #call}, and interrupts this thread if the context becomes done meanwhile; the call
   * then throws a fresh {@link ContextException} with the task's own exception as suppressed. On a
   * context already done, {@code task} does not run. When this returns or throws, no interrupt
   * caused by ctx4j is left on the thread.
   *
   * <p>It stops what an interrupt stops: {@code sleep}, {@code wait}, {@code join}, {@code
   * BlockingQueue}, locks' interruptible waits, and socket I/O on virtual threads. It cannot stop a
   * platform thread blocked in {@code java.net.Socket} reads, and interrupting {@code FileChannel}
   * I/O closes the channel: use it only on code you own. Integrations that must stop JDBC or HTTP
   * work use those components' own abort instead.
   */
  <T> T callInterruptibly(Callable<T> task) throws Exception;

  /**
   * A runnable that runs {@code task} with {@link #current()} == this, on whatever thread runs it,
   * and restores that thread's binding afterwards: hand it to an executor to carry this context
   * across threads. Does not cancel, interrupt or skip {@code task} when this context is done.
   *
   * @throws NullPointerException if {@code task} is null
   */
  default Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> run(task);
  }

  /**
   * As {@link #wrap(Runnable)}, for a {@link Callable}.
   *
   * @throws NullPointerException if {@code task} is null
   */
  default <T> Callable<T> wrap(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return () -> call(task);
  }
}
