package dev.ctx4j.observe.internal;

/**
 * The one JSON string escape of ctx4j's writers (chains, the demo's file, lint's reports, problem
 * responses). Not public API: exported only to ctx4j's own modules (ADR 0112).
 *
 * <p>The output is always valid JSON and safe inside an HTML {@code <script>} element: quotes,
 * backslashes and control characters are escaped, and so are {@code < > &}, DEL, U+2028, U+2029 and
 * unpaired surrogates (which would otherwise make invalid UTF-8).
 */
public final class Json {
  private Json() {}

  /** {@code s} as a JSON string literal, quotes included; {@code null} as {@code null}. */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    escape(b, s);
    return b.append('"').toString();
  }

  /** The body of a JSON string literal for {@code s} (no quotes). */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    escape(b, s);
    return b.toString();
  }

  private static void escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || c == '<'
              || c == '>'
              || c == '&'
              || c == '\u2028'
              || c == '\u2029'
              || (Character.isSurrogate(c) && !paired(s, i))) {
            b.append("\\u");
            String hex = Integer.toHexString(c);
            b.append("0".repeat(4 - hex.length())).append(hex);
          } else {
            b.append(c);
          }
        }
      }
    }
  }

  /** True if the surrogate at {@code i} is half of a valid pair. */
  private static boolean paired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
