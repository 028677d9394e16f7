package dev.ctx4j.observe;

import dev.ctx4j.internal.Durations;
import dev.ctx4j.observe.internal.Json;

/** Small text helpers shared by the renderers. */
final class Format {
  private Format() {}

  /** A short human duration: 850ns, 12.5µs, 3ms, 1.5s, 2m3s; negative values get a minus sign. */
  static String duration(long nanos) {
    return Durations.rounded(nanos);
  }

  /** Escapes for a JSON string body. */
  static String json(String s) {
    return Json.escape(s);
  }

  /** Escapes for XML/HTML text and attribute values. */
  static String xml(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            sb.append(' ');
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /** A code site in the user's terms: {@code Class.method(File.java:42)}, the package left out. */
  static String site(StackTraceElement e) {
    String cls = e.getClassName();
    String simple = cls.substring(cls.lastIndexOf('.') + 1);
    String file = e.getFileName() == null ? "?" : e.getFileName();
    return simple + "." + e.getMethodName() + "(" + file + ":" + e.getLineNumber() + ")";
  }

  /** An offset from a chain's trigger: {@code +12.3ms}, or {@code -4.1ms} before it. */
  static String offset(long nanos) {
    return (nanos < 0 ? "-" : "+") + duration(Math.abs(nanos));
  }
}
