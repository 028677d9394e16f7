package dev.ctx4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves that the code under test stops wherever a cancel reaches it. The test method takes a
 * {@link dev.ctx4j.Context} and runs the code with it:
 *
 * <pre>{@code
 * @CancellationSweep
 * void quoteStopsWhereverItIsCancelled(Context ctx) throws Exception {
 *   assertEquals(3, quotes.best(ctx, "acme"));
 * }
 * }</pre>
 *
 * <p>The body runs once to count the cancellation points it passes on that context or on contexts
 * derived from it — {@code isDone}, {@code err}, {@code throwIfDone}, {@code await}, {@code sleep},
 * {@code get}, {@code done()}, {@code callInterruptibly}, {@code TaskGroup.fork}, and the blocking
 * calls of ctx4j's integrations (a JDBC statement, an HTTP exchange, a gRPC call), which check
 * their context the same way — on any thread, named by the first frame of the caller's own code and
 * its pass through that frame ({@code isDone at Quotes.best(Quotes.java:42), pass 2}). Then it runs
 * once per point, cancelling the context exactly there (before the point reads it), and, with
 * {@link #deadlines()}, once more per point with the context's deadline expiring there. Each run is
 * its own test in the report; a run passes if:
 *
 * <ul>
 *   <li>the body ends within {@link #boundMillis()} of its start (the context's deadline is that
 *       bound as well), else the run fails — showing the stack of the body's thread if it has not
 *       ended a second after the bound (the thread is left, never interrupted);
 *   <li>it ends with the context's exception ({@code ContextCancelledException}, or {@code
 *       DeadlineExceededException} when the deadline expired), thrown or as the cause of what it
 *       threw (an {@code ExecutionException} from {@code TaskGroup.join()}, say). A normal return
 *       after the cancel fails the run (a swallowed {@code ContextException}, a loop that saw the
 *       cancel and went on) unless {@link #normalReturnAfterCancel()} says the test checks such
 *       results itself;
 *   <li>no cancellable context created during the run is left live, or was dropped without a
 *       cancel, and no thread stays parked on one (as {@link ContextLeakCheck} checks).
 * </ul>
 *
 * <p>A failing run names its point and shows the propagation chains it recorded. The sweep is
 * deterministic: a point is a site and its pass, not a time, so the same point is cancelled in the
 * same place on every thread schedule; a run whose point is not passed at all (a body whose path
 * depends on timing) is reported as aborted. Above {@link #maxRuns()} runs a seeded sample of the
 * points is swept; the seed is logged (a {@code System.Logger} at INFO, and a JUnit report entry
 * {@code ctx4j.sweep} with the points) and given in every failure, and {@link #seed()} repeats it.
 *
 * <p>The count run itself must pass: it must return normally, without a cancel, and pass at least
 * one point. One sweep runs at a time in a JVM (use sequential test execution); tracing is on while
 * it runs. The hook it uses costs core one read of a plain static field per point while no sweep
 * runs (ADR 0124).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(CancellationSweepExtension.class)
public @interface CancellationSweep {
  /** How long one run may take, in milliseconds; also the deadline of the context it is given. */
  long boundMillis() default 10_000;

  /** Also sweep with the context's deadline expiring at each point (twice the runs). */
  boolean deadlines() default true;

  /** The most runs of one variant; beyond it a seeded sample of the points is swept. */
  int maxRuns() default 200;

  /** The seed of the sample when there are more points than {@link #maxRuns()}; 0 picks one. */
  long seed() default 0;

  /**
   * True if the body may return normally after its context ended (a handler that answers with what
   * it has): the test's own assertions then judge the result.
   */
  boolean normalReturnAfterCancel() default false;
}
