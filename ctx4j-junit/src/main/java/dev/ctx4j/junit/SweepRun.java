package dev.ctx4j.junit;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextCancelledException;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.internal.Sweep;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.Render;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * One run of a sweep: gives the body its context, runs it on a thread of its own with the sweep
 * armed, and judges how it ended.
 */
final class SweepRun implements ParameterResolver, InvocationInterceptor {
  /** How long past its bound a body is waited for before it is called hung. */
  private static final long GRACE_NANOS = 1_000_000_000L;

  private static final int CHAINS_SHOWN = 3;

  private final SweepPlan plan;
  private final SweepPlan.Point point; // null: the count run
  private final Sweep.Action action; // null: the count run
  private final int ordinal;
  private final Map<List<Object>, Integer> passes = new ConcurrentHashMap<>();
  private final AtomicBoolean fired = new AtomicBoolean();
  private volatile long firedAt;
  private CancellableContext root;

  SweepRun(SweepPlan plan, SweepPlan.Point point, Sweep.Action action, int ordinal) {
    this.plan = plan;
    this.point = point;
    this.action = action;
    this.ordinal = ordinal;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Context.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return root().readOnly(); // as a server hands a request its context: the body cannot end it
  }

  private synchronized CancellableContext root() {
    if (root == null) {
      root = Context.background().withTimeout(Duration.ofMillis(plan.settings.boundMillis()));
    }
    return root;
  }

  @Override
  public void interceptTestTemplateMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext extensionContext)
      throws Throwable {
    CancellableContext ctx = root();
    long mark = ContextTree.mark();
    try (ChainRecorder chains = ChainRecorder.start()) {
      Runnable disarm = Sweep.arm(ctx, point == null ? plan::count : this::atPoint);
      Ended ended;
      try {
        ended = runBody(invocation);
      } finally {
        disarm.run();
      }
      String leaks = ended.thread == null ? ContextLeakCheck.leaksSince(mark) : null;
      ctx.cancel(); // the run is over: end whatever it derived and left
      judge(ended, leaks, chains);
    }
  }

  /** A point run's listener: acts at its point's pass, and only there. */
  private Sweep.Action atPoint(String operation, StackTraceElement site) {
    if (!operation.equals(point.operation()) || !site.equals(point.site())) {
      return Sweep.Action.PASS;
    }
    int pass = passes.merge(List.of(operation, site), 1, Integer::sum);
    if (pass == point.pass() && fired.compareAndSet(false, true)) {
      firedAt = System.nanoTime();
      return action;
    }
    return Sweep.Action.PASS;
  }

  /** How the body ended: what it threw (null for a normal return), or its thread if it hung. */
  private record Ended(Throwable thrown, long startedAt, long endedAt, Thread thread) {}

  private Ended runBody(Invocation<Void> invocation) throws InterruptedException {
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    long bound = TimeUnit.MILLISECONDS.toNanos(plan.settings.boundMillis());
    long started = System.nanoTime();
    Thread body =
        Thread.ofPlatform()
            .daemon()
            .name("ctx4j-sweep-body")
            .start(
                () -> {
                  try {
                    invocation.proceed();
                    end.complete(null);
                  } catch (Throwable t) {
                    end.complete(t);
                  }
                });
    try {
      Throwable thrown = end.get(bound + GRACE_NANOS, TimeUnit.NANOSECONDS);
      return new Ended(thrown, started, System.nanoTime(), null);
    } catch (TimeoutException e) {
      return new Ended(null, started, System.nanoTime(), body);
    } catch (ExecutionException e) {
      throw new AssertionError("unreachable: the body's future is only completed normally", e);
    }
  }

  private void judge(Ended ended, String leaks, ChainRecorder chains) {
    String where =
        point == null
            ? "ctx4j sweep " + plan.name + ", the count run (no cancel)"
            : "ctx4j sweep "
                + plan.name
                + ", "
                + (action == Sweep.Action.CANCEL ? "cancelled" : "deadline expired")
                + " at point "
                + ordinal
                + " of "
                + plan.pointCount()
                + " ("
                + point
                + ")"
                + (plan.seed() == 0 ? "" : ", sample seed " + plan.seed());
    if (ended.thread != null) {
      fail(
          where
              + ": the body did not end within "
              + plan.settings.boundMillis()
              + " ms"
              + sinceCancel(ended)
              + "; it is at\n"
              + stack(ended.thread),
          null,
          chains);
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(ended.endedAt - ended.startedAt);
    if (tookMillis > plan.settings.boundMillis()) {
      fail(
          where
              + ": the body took "
              + tookMillis
              + " ms, over its bound of "
              + plan.settings.boundMillis()
              + " ms"
              + sinceCancel(ended),
          ended.thrown,
          chains);
    }
    if (point == null) {
      judgeCount(ended, leaks, where, chains);
      return;
    }
    if (!fired.get()) {
      Assumptions.abort(
          where + ": not passed in this run (the body took another path than in the count run)");
    }
    Class<? extends ContextException> expected =
        action == Sweep.Action.CANCEL
            ? ContextCancelledException.class
            : DeadlineExceededException.class;
    if (ended.thrown == null && !plan.settings.normalReturnAfterCancel()) {
      fail(
          where
              + ": the body returned normally after its context ended"
              + sinceCancel(ended)
              + ", as if the cancel were swallowed (a caught ContextException, a loop that saw"
              + " isDone() and went on); if answering normally is right here, set"
              + " @CancellationSweep(normalReturnAfterCancel = true) and check the result",
          null,
          chains);
    }
    if (ended.thrown != null && !causedBy(ended.thrown, expected)) {
      fail(
          where
              + ": the body ended with "
              + ended.thrown
              + sinceCancel(ended)
              + " instead of the context's "
              + expected.getSimpleName()
              + " (thrown, or as the cause of what it threw)",
          ended.thrown,
          chains);
    }
    if (leaks != null) {
      fail(where + ": the run left contexts behind the cancel" + leaks, null, chains);
    }
  }

  private void judgeCount(Ended ended, String leaks, String where, ChainRecorder chains) {
    if (ended.thrown != null) {
      fail(
          where + ": the body failed without any cancel; a sweep needs a body that passes alone",
          ended.thrown,
          chains);
    }
    if (leaks != null) {
      fail(where + ": the body left contexts live" + leaks, null, chains);
    }
    if (plan.pointCount() == 0) {
      fail(
          where
              + ": the body passed no cancellation point on its context: nothing in it can be"
              + " stopped by a cancel (it never checks or waits on the context, and calls nothing"
              + " of ctx4j's that does)",
          null,
          chains);
    }
    plan.counted();
  }

  private String sinceCancel(Ended ended) {
    return fired.get()
        ? " (" + TimeUnit.NANOSECONDS.toMillis(ended.endedAt - firedAt) + " ms after the cancel)"
        : "";
  }

  /**
   * True if {@code t} or one of its causes (at most 100 deep, so a cycle ends) is a {@code wanted}.
   */
  private static boolean causedBy(Throwable t, Class<? extends Throwable> wanted) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 100; depth++, c = c.getCause()) {
      if (wanted.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String stack(Thread thread) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement e : thread.getStackTrace()) {
      sb.append("\tat ").append(e).append('\n');
    }
    return sb.toString();
  }

  private static void fail(String message, Throwable cause, ChainRecorder chains) {
    List<ContextTree.Chain> seen = chains.chains();
    String text =
        seen.isEmpty()
            ? message + "\nno propagation chain was recorded"
            : message
                + "\nchains, most recent first:\n"
                + Render.chainsText(seen.subList(0, Math.min(CHAINS_SHOWN, seen.size())));
    throw new AssertionError(text, cause);
  }
}
