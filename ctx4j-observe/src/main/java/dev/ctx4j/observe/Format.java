package dev.ctx4j.observe;

import java.util.Locale;

/** Small text helpers shared by the renderers. */
final class Format {
  private Format() {}

  /** A short human duration: 850ns, 12.5µs, 3ms, 1.5s, 2m3s; negative values get a minus sign. */
  static String duration(long nanos) {
    if (nanos < 0) {
      return "-" + duration(nanos == Long.MIN_VALUE ? Long.MAX_VALUE : -nanos);
    }
    if (nanos < 1_000L) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000L) {
      return oneDecimal(nanos / 1_000.0) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return oneDecimal(nanos / 1_000_000.0) + "ms";
    }
    long seconds = nanos / 1_000_000_000L;
    if (seconds < 60) {
      return oneDecimal(nanos / 1_000_000_000.0) + "s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + "m" + seconds % 60 + "s";
    }
    return seconds / 3_600 + "h" + seconds % 3_600 / 60 + "m" + seconds % 60 + "s";
  }

  private static String oneDecimal(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /** Escapes for a JSON string body. */
  static String json(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
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
