package dev.ctx4j.grpc;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** The executors the bridge hands its own (never user) work to. */
final class Direct {
  /**
   * Runs on the calling thread. Used only for ctx4j's own bookkeeping that neither blocks nor runs
   * user code: cancelling a ctx4j context, removing a listener, stopping a registration.
   */
  static final Executor INLINE = Runnable::run;

  private static final ThreadFactory CANCELLERS =
      Thread.ofVirtual().name("ctx4j-grpc-cancel-", 0).factory();

  /** One virtual thread per task: where outgoing calls are cancelled by default. */
  static final Executor VIRTUAL = task -> CANCELLERS.newThread(task).start();

  private Direct() {}
}
