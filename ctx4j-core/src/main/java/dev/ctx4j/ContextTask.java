package dev.ctx4j;

/**
 * A task forked into a {@link TaskGroup}: it receives the group's context, which is also bound as
 * {@link Context#current()} while it runs.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface ContextTask<T> {
  /**
   * Does the work; should return or throw soon after {@code ctx} is done.
   *
   * @param ctx the group's context: done on the first failure, on close, after join, or with the
   *     parent
   * @return the result, available from the future {@link TaskGroup#fork} returned
   * @throws Exception any failure; the first one cancels the group
   */
  T call(Context ctx) throws Exception;
}
