package dev.ctx4j;

/** Handle of an {@link Context#afterDone} registration. Safe to use from any thread. */
public interface Registration {
  /**
   * Keeps the callback from running if it has not started yet.
   *
   * @return true if this call kept the callback from running; false if it had already started, or
   *     if an earlier {@code stop()} already stopped it
   */
  boolean stop();
}
