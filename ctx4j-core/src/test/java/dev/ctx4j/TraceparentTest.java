package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ctx4j.internal.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Trace#traceparent}: only a well-formed W3C value names a remote parent. */
class TraceparentTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";

  @Test
  void wellFormed_namesTraceAndParent() {
    assertEquals(
        "w3c:" + TRACE + "-" + PARENT, Trace.traceparent("00-" + TRACE + "-" + PARENT + "-01"));
    assertEquals(
        "w3c:" + TRACE + "-" + PARENT, Trace.traceparent("00-" + TRACE + "-" + PARENT + "-00"));
    // a later version may append fields after a dash
    assertEquals(
        "w3c:" + TRACE + "-" + PARENT,
        Trace.traceparent("01-" + TRACE + "-" + PARENT + "-01-what-comes-next"));
  }

  @Test
  void malformedOrHostile_ignored() {
    List<String> bad =
        List.of(
            "",
            "00",
            "ff-" + TRACE + "-" + PARENT + "-01", // version ff is invalid
            "0g-" + TRACE + "-" + PARENT + "-01",
            "00-" + "0".repeat(32) + "-" + PARENT + "-01", // all-zero trace-id
            "00-" + TRACE + "-" + "0".repeat(16) + "-01", // all-zero parent-id
            "00-" + TRACE.toUpperCase(java.util.Locale.ROOT) + "-" + PARENT + "-01",
            "00-" + TRACE.substring(1) + "-" + PARENT + "-01",
            "00-" + TRACE + "-" + PARENT + "-1",
            "00-" + TRACE + "-" + PARENT + "-0x",
            "00-" + TRACE + "-" + PARENT + "-01-extra", // version 00 has nothing after flags
            "01-" + TRACE + "-" + PARENT + "-01x",
            "00_" + TRACE + "_" + PARENT + "_01",
            "00-" + TRACE + "-" + PARENT + "-01\r\nX-Evil: 1",
            "01-" + TRACE + "-" + PARENT + "-01-" + "a".repeat(Trace.MAX_TRACEPARENT_LENGTH));
    for (String v : bad) {
      assertNull(Trace.traceparent(v), v);
    }
    assertNull(Trace.traceparent(null));
  }
}
