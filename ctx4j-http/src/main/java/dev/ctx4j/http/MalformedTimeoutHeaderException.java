package dev.ctx4j.http;

import java.util.Objects;

/** A timeout header whose value does not follow its convention; the message names the header. */
public final class MalformedTimeoutHeaderException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The header whose value was malformed, as {@link #headerName()} returns it. */
  private final String headerName;

  /**
   * A new exception for header {@code headerName}; {@code problem} says what is wrong.
   *
   * @throws NullPointerException if {@code headerName} or {@code problem} is null
   */
  public MalformedTimeoutHeaderException(String headerName, String problem) {
    super(
        "malformed "
            + Objects.requireNonNull(headerName, "headerName")
            + " header: "
            + Objects.requireNonNull(problem, "problem"));
    this.headerName = headerName;
  }

  /** The name of the offending header, as the convention spells it. */
  public String headerName() {
    return headerName;
  }
}
