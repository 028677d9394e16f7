package dev.ctx4j.http;

/**
 * The hostile and malformed timeout headers every server integration must answer with 400 naming
 * the header: {name, value} pairs. Shared with other modules through this module's test jar.
 */
public final class MalformedTimeoutHeaders {
  private MalformedTimeoutHeaders() {}

  /** A fresh copy of the table: name, value. */
  public static String[][] table() {
    return new String[][] {
      {"Connect-Timeout-Ms", "-5"},
      {"Connect-Timeout-Ms", "99999999999999999999"},
      {"grpc-timeout", "5x"},
      {"grpc-timeout", "123456789S"},
      {"x-envoy-expected-rq-timeout-ms", "abc"}
    };
  }
}
