package dev.ctx4j.junit;

import dev.ctx4j.Context;
import dev.ctx4j.observe.ContextTree;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link CancellationSweep} test: the count run first, then, once its points are known, a
 * run per point and variant. Registered by the annotation; not used directly.
 */
public final class CancellationSweepExtension implements TestTemplateInvocationContextProvider {
  /** The longest bound a sweep accepts: a run that may take longer than this is not a test. */
  static final long MAX_BOUND_MILLIS = 3_600_000L;

  /** Used by JUnit. */
  public CancellationSweepExtension() {}

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context
        .getTestMethod()
        .map(m -> AnnotationSupport.isAnnotated(m, CancellationSweep.class))
        .orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    CancellationSweep sweep =
        AnnotationSupport.findAnnotation(method, CancellationSweep.class).orElseThrow();
    check(method, sweep);
    ContextTree.enable();
    ContextTree.allSites(true); // the leak check names where each live context was made
    SweepPlan plan =
        new SweepPlan(
            method.getDeclaringClass().getSimpleName() + "." + method.getName(), sweep, context);
    // The point runs are made only when pulled, after the count run has run: JUnit runs each
    // invocation as its stream hands it over (sequential execution).
    return Stream.concat(Stream.of(plan.countRun()), Stream.of(plan).flatMap(SweepPlan::pointRuns));
  }

  private static void check(Method method, CancellationSweep sweep) {
    String where = "@CancellationSweep on " + method + ": ";
    if (Arrays.stream(method.getParameterTypes()).noneMatch(t -> t == Context.class)) {
      throw new ExtensionConfigurationException(
          where + "the method must take a dev.ctx4j.Context (the context the sweep cancels)");
    }
    if (sweep.boundMillis() <= 0 || sweep.boundMillis() > MAX_BOUND_MILLIS) {
      throw new ExtensionConfigurationException(
          where
              + "boundMillis must be between 1 and "
              + MAX_BOUND_MILLIS
              + " (an hour), was "
              + sweep.boundMillis());
    }
    if (sweep.maxRuns() < 1) {
      throw new ExtensionConfigurationException(
          where + "maxRuns must be at least 1, was " + sweep.maxRuns());
    }
  }
}
