package dev.ctx4j.internal;

import dev.ctx4j.Context;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * What ctx4j's own integration modules need from core beyond the public API. The package is
 * exported to those modules alone (see {@code module-info}); it is not an API and may change in any
 * release.
 */
public final class InternalContexts {
  /** {@code Node.neverEnds()}, package-private in {@code dev.ctx4j}; reached within this module. */
  private static final MethodHandle NEVER_ENDS;

  /** {@code WakeBatch.run(Runnable)}, package-private in {@code dev.ctx4j}. */
  private static final MethodHandle WAKE_BATCH;

  static {
    try {
      Class<?> node = Class.forName("dev.ctx4j.Node");
      NEVER_ENDS =
          MethodHandles.privateLookupIn(node, MethodHandles.lookup())
              .findVirtual(node, "neverEnds", MethodType.methodType(boolean.class))
              .asType(MethodType.methodType(boolean.class, Context.class));
      Class<?> batch = Class.forName("dev.ctx4j.WakeBatch");
      WAKE_BATCH =
          MethodHandles.privateLookupIn(batch, MethodHandles.lookup())
              .findStatic(batch, "run", MethodType.methodType(void.class, Runnable.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private InternalContexts() {}

  /**
   * True if {@code ctx} can never end: {@code background()}, {@code todo()}, {@code
   * withoutCancel()}, and any {@code withValue} chain over one of them. Such a context is never
   * done, has no deadline and ignores {@code afterDone}, so an integration can skip watching it.
   * False for every context that has a cancellable ancestor (or is one), done or not.
   *
   * @throws NullPointerException if {@code ctx} is null
   */
  public static boolean neverEnds(Context ctx) {
    Objects.requireNonNull(ctx, "ctx");
    try {
      return (boolean) NEVER_ENDS.invokeExact(ctx);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t); // neverEnds() declares no checked exception
    }
  }

  /**
   * Runs {@code ends} (which cancels contexts) on this thread, then wakes the threads parked on the
   * contexts it ended ({@code await}, {@code sleep}, {@code get}): every context is done before the
   * first of its waiters takes a core from this thread. For a thread that ends many contexts at
   * once, such as the HTTP disconnect watcher (ADR 0130). Callbacks are dispatched as always.
   * Nested calls run inside the outer batch.
   *
   * @throws NullPointerException if {@code ends} is null
   */
  public static void endTogether(Runnable ends) {
    Objects.requireNonNull(ends, "ends");
    try {
      WAKE_BATCH.invokeExact(ends);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t); // run() declares no checked exception
    }
  }
}
