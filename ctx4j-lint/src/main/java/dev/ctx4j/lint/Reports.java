package dev.ctx4j.lint;

import dev.ctx4j.observe.internal.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** The lint output formats: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. */
final class Reports {
  private Reports() {}

  static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  /** {@code path:line:col: check-id: message}, then an indented line for the related place. */
  static void text(List<Finding> findings, PrintWriter out) {
    for (Finding f : findings) {
      out.println(
          f.file() + ":" + f.line() + ":" + f.column() + ": " + f.check() + ": " + f.message());
      if (f.related() != null) {
        Finding.Related r = f.related();
        out.println("    " + r.file() + ":" + r.line() + ":" + r.column() + ": " + r.message());
      }
    }
  }

  static void json(List<Finding> findings, PrintWriter out) {
    out.println("{");
    out.println("  \"count\": " + findings.size() + ",");
    out.println("  \"findings\": [");
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      StringBuilder b = new StringBuilder("    {");
      b.append("\"check\": ").append(Json.quote(f.check()));
      b.append(", \"file\": ").append(Json.quote(uri(f.file())));
      b.append(", \"line\": ").append(f.line());
      b.append(", \"column\": ").append(f.column());
      b.append(", \"message\": ").append(Json.quote(f.message()));
      if (f.related() != null) {
        Finding.Related r = f.related();
        b.append(", \"related\": {\"file\": ").append(Json.quote(uri(r.file())));
        b.append(", \"line\": ").append(r.line());
        b.append(", \"column\": ").append(r.column());
        b.append(", \"message\": ").append(Json.quote(r.message())).append('}');
      }
      b.append('}').append(i + 1 < findings.size() ? "," : "");
      out.println(b);
    }
    out.println("  ]");
    out.println("}");
  }

  /** SARIF 2.1.0 with every rule listed, as GitHub code scanning reads it. */
  static void sarif(List<Finding> findings, PrintWriter out) {
    out.println("{");
    out.println("  \"$schema\": " + Json.quote(SARIF_SCHEMA) + ",");
    out.println("  \"version\": \"2.1.0\",");
    out.println("  \"runs\": [{");
    out.println("    \"tool\": {\"driver\": {");
    out.println("      \"name\": \"ctx4j-lint\",");
    out.println("      \"informationUri\": \"https://github.com/ctx4j/ctx4j\",");
    out.println("      \"version\": \"0.1.0\",");
    out.println("      \"rules\": [");
    List<String> ids = Checks.IDS;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      out.println(
          "        {\"id\": "
              + Json.quote(id)
              + ", \"name\": "
              + Json.quote(ruleName(id))
              + ", \"shortDescription\": {\"text\": "
              + Json.quote(Checks.summary(id))
              + "}, \"fullDescription\": {\"text\": "
              + Json.quote(Checks.summary(id))
              + "}, \"help\": {\"text\": "
              + Json.quote(
                  "Suppress with @SuppressWarnings(\"ctx4j:"
                      + id
                      + "\") on the enclosing declaration.")
              + "}, \"defaultConfiguration\": {\"level\": "
              + Json.quote(level(id))
              + "}}"
              + (i + 1 < ids.size() ? "," : ""));
    }
    out.println("      ]");
    out.println("    }},");
    out.println("    \"columnKind\": \"unicodeCodePoints\",");
    out.println("    \"results\": [");
    for (int i = 0; i < findings.size(); i++) {
      out.println("      " + result(findings.get(i)) + (i + 1 < findings.size() ? "," : ""));
    }
    out.println("    ]");
    out.println("  }]");
    out.println("}");
  }

  private static String result(Finding f) {
    StringBuilder b = new StringBuilder("{");
    b.append("\"ruleId\": ").append(Json.quote(f.check()));
    b.append(", \"ruleIndex\": ").append(Checks.IDS.indexOf(f.check()));
    b.append(", \"level\": ").append(Json.quote(level(f.check())));
    String text = f.message();
    if (f.related() != null) {
      text = text + " ([" + f.related().message() + "](0))";
    }
    b.append(", \"message\": {\"text\": ").append(Json.quote(text)).append('}');
    b.append(", \"locations\": [")
        .append(location(f.file(), f.line(), f.column(), null))
        .append(']');
    if (f.related() != null) {
      Finding.Related r = f.related();
      b.append(", \"relatedLocations\": [")
          .append(location(r.file(), r.line(), r.column(), r.message()))
          .append(']');
    }
    return b.append('}').toString();
  }

  private static String location(Path file, int line, int column, String message) {
    StringBuilder b = new StringBuilder("{");
    if (message != null) {
      b.append("\"id\": 0, \"message\": {\"text\": ").append(Json.quote(message)).append("}, ");
    }
    b.append("\"physicalLocation\": {\"artifactLocation\": {\"uri\": ")
        .append(Json.quote(uri(file)))
        .append("}, \"region\": {\"startLine\": ")
        .append(Math.max(1, line))
        .append(", \"startColumn\": ")
        .append(Math.max(1, column))
        .append("}}}");
    return b.toString();
  }

  private static String level(String id) {
    return id.equals(Checks.PARSE_ERROR) ? "error" : "warning";
  }

  /** {@code lost-cancel} becomes {@code LostCancel}. */
  static String ruleName(String id) {
    StringBuilder b = new StringBuilder();
    for (String part : id.split("-", -1)) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.toString();
  }

  /**
   * The path with forward slashes; relative paths stay relative (SARIF consumers resolve them
   * against the checkout), absolute ones under the working directory are made relative to it.
   */
  static String uri(Path p) {
    Path q = p.normalize();
    if (q.isAbsolute()) {
      Path cwd = Path.of("").toAbsolutePath();
      if (q.startsWith(cwd)) {
        q = cwd.relativize(q);
      } else {
        return q.toUri().toString();
      }
    }
    return q.toString().replace('\\', '/');
  }
}
