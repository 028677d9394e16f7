package dev.ctx4j;

import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;

/**
 * Shared model-checking options. CI runs a small profile (seconds per class); {@code
 * -Dctx4j.lincheck.deep=true} runs a deep one (minutes) on demand.
 */
final class LincheckSupport {
  private LincheckSupport() {}

  static final boolean DEEP = Boolean.getBoolean("ctx4j.lincheck.deep");

  static ModelCheckingOptions options(int threads, int actorsPerThread) {
    return new ModelCheckingOptions()
        .iterations(DEEP ? 100 : 5)
        .invocationsPerIteration(DEEP ? 10_000 : 150)
        .threads(threads)
        .actorsPerThread(actorsPerThread)
        .actorsBefore(DEEP ? 2 : 0)
        .actorsAfter(1);
  }
}
