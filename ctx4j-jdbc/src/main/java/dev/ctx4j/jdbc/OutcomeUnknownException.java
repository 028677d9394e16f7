package dev.ctx4j.jdbc;

import java.sql.SQLException;

/**
 * Says that a statement ctx4j cancelled may or may not have taken effect. It is never thrown on its
 * own: it is attached, as a suppressed exception, to the {@link dev.ctx4j.ContextException} that
 * {@link ContextDataSource} throws when the driver failed after the context ended in a way that
 * does not tell whether the server applied the statement (the connection broke, the driver failed
 * locally), rather than reporting that the server aborted it.
 *
 * <p>Without it, a {@code ContextException} from a statement means the statement had no effect: the
 * server reported it aborted. A statement the driver completed is never reported as cancelled: its
 * result is returned. Use {@link #isAttachedTo(Throwable)} to tell the two apart:
 *
 * <pre>{@code
 * try {
 *   ctx.run(() -> insert.executeUpdate());
 * } catch (ContextException e) {
 *   if (OutcomeUnknownException.isAttachedTo(e)) {
 *     // check whether the row is there before retrying
 *   }
 * }
 * }</pre>
 *
 * <p>Its SQLSTATE is {@code 08007}, the standard "transaction resolution unknown"; its cause is the
 * driver's failure.
 */
public final class OutcomeUnknownException extends SQLException {
  private static final long serialVersionUID = 1L;

  /** The standard SQLSTATE for a connection failure whose transaction resolution is unknown. */
  public static final String SQL_STATE = "08007";

  OutcomeUnknownException(Throwable driverFailure) {
    super(
        "the statement was cancelled, but the driver's failure does not say whether the server"
            + " applied it",
        SQL_STATE,
        driverFailure);
  }

  /**
   * True if {@code e}, or an exception suppressed by it, is an {@code OutcomeUnknownException}.
   *
   * @throws NullPointerException if {@code e} is null
   */
  public static boolean isAttachedTo(Throwable e) {
    if (e instanceof OutcomeUnknownException) {
      return true;
    }
    for (Throwable s : e.getSuppressed()) {
      if (s instanceof OutcomeUnknownException) {
        return true;
      }
    }
    return false;
  }
}
