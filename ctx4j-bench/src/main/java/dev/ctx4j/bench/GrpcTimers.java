package dev.ctx4j.bench;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Setup shared by the grpc peer benchmarks: the scheduler grpc's deadlines run on, set up as grpc's
 * own shared timer service is.
 */
final class GrpcTimers {
  static final String THREAD_NAME = "grpc-peer-timer";

  private static final Logger CONTEXT_LOGGER = Logger.getLogger("io.grpc.Context");

  private GrpcTimers() {}

  /** Silences grpc's warning about long ancestor chains (the benchmark builds 1,000 on purpose). */
  static void quietContextLogger() {
    CONTEXT_LOGGER.setLevel(Level.OFF);
  }

  /** One daemon thread; cancelled tasks leave the queue at once instead of at their deadline. */
  static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(r));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }
}
