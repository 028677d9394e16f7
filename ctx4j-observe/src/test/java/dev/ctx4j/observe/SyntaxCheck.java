package dev.ctx4j.observe;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * Strict checkers for the subsets of Mermaid, DOT and JSON the renderers emit, and an XML parse for
 * the HTML page. Each throws {@link AssertionError} naming the offending line.
 */
final class SyntaxCheck {
  private SyntaxCheck() {}

  private static final String ID = "[A-Za-z][A-Za-z0-9_]*";
  private static final String LABEL = "\"[^\"]*\"";
  private static final Pattern M_NODE = Pattern.compile("(" + ID + ")(\\[" + LABEL + "\\]|\\(\\[" + LABEL + "\\]\\))");
  private static final Pattern M_EDGE = Pattern.compile("(" + ID + ") (-->|-\\. woke \\.->) (" + ID + ")");
  private static final Pattern M_SUB = Pattern.compile("subgraph " + ID + "\\[" + LABEL + "\\]");
  private static final Pattern M_CLASSDEF = Pattern.compile("classDef " + ID + " [a-z-]+:[#0-9a-z]+(,[a-z-]+:[#0-9a-z]+)*");
  private static final Pattern M_CLASS = Pattern.compile("class (" + ID + "(," + ID + ")*) " + ID);

  static void mermaid(String src) {
    String[] lines = src.split("\n", -1);
    if (!lines[0].equals("flowchart TD")) {
      throw new AssertionError("first line must be 'flowchart TD': " + lines[0]);
    }
    Set<String> defined = new HashSet<>();
    List<String> used = new ArrayList<>();
    int depth = 0;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty()) {
        continue;
      }
      Matcher m;
      if ((m = M_NODE.matcher(l)).matches()) {
        defined.add(m.group(1));
      } else if ((m = M_EDGE.matcher(l)).matches()) {
        used.add(m.group(1));
        used.add(m.group(3));
      } else if (M_SUB.matcher(l).matches()) {
        depth++;
      } else if (l.equals("end")) {
        if (--depth < 0) {
          throw new AssertionError("line " + (i + 1) + ": 'end' without subgraph");
        }
      } else if (M_CLASSDEF.matcher(l).matches()) {
        continue;
      } else if ((m = M_CLASS.matcher(l)).matches()) {
        used.addAll(List.of(m.group(1).split(",", -1)));
      } else {
        throw new AssertionError("line " + (i + 1) + " is not Mermaid flowchart syntax: " + l);
      }
    }
    if (depth != 0) {
      throw new AssertionError("unclosed subgraph");
    }
    for (String u : used) {
      if (!defined.contains(u)) {
        throw new AssertionError("node used but never declared: " + u);
      }
    }
  }

  /** Tokenizes DOT and checks statements: nodes, edges, attributes, subgraphs, braces. */
  static void dot(String src) {
    List<String> t = dotTokens(src);
    int i = 0;
    expect(t, i++, "digraph");
    if (!isId(t.get(i++))) {
      throw new AssertionError("graph id expected");
    }
    expect(t, i++, "{");
    int depth = 1;
    Set<String> nodes = new HashSet<>();
    List<String> edgeEnds = new ArrayList<>();
    while (depth > 0) {
      if (i >= t.size()) {
        throw new AssertionError("unbalanced braces");
      }
      String a = t.get(i);
      if (a.equals("}")) {
        depth--;
        i++;
        continue;
      }
      if (a.equals("subgraph")) {
        if (!isId(t.get(i + 1))) {
          throw new AssertionError("subgraph id expected at token " + (i + 1));
        }
        expect(t, i + 2, "{");
        depth++;
        i += 3;
        continue;
      }
      if (!isId(a)) {
        throw new AssertionError("statement must start with an id, got " + a);
      }
      if (t.get(i + 1).equals("=")) {
        if (!isId(t.get(i + 2))) {
          throw new AssertionError("value expected after = at token " + (i + 2));
        }
        expect(t, i + 3, ";");
        i += 4;
        continue;
      }
      i++;
      if (t.get(i).equals("->")) {
        if (!isId(t.get(i + 1))) {
          throw new AssertionError("edge target expected at token " + (i + 1));
        }
        edgeEnds.add(a);
        edgeEnds.add(t.get(i + 1));
        i += 2;
      } else if (!a.equals("node") && !a.equals("edge") && !a.equals("graph")) {
        nodes.add(a);
      }
      if (t.get(i).equals("[")) {
        i = attrList(t, i);
      }
      expect(t, i++, ";");
    }
    if (i != t.size()) {
      throw new AssertionError("tokens after the closing brace");
    }
    for (String e : edgeEnds) {
      if (!nodes.contains(e)) {
        throw new AssertionError("edge to an undeclared node: " + e);
      }
    }
  }

  private static int attrList(List<String> t, int i) {
    expect(t, i++, "[");
    while (true) {
      if (!isId(t.get(i))) {
        throw new AssertionError("attribute name expected, got " + t.get(i));
      }
      expect(t, i + 1, "=");
      if (!isId(t.get(i + 2))) {
        throw new AssertionError("attribute value expected, got " + t.get(i + 2));
      }
      i += 3;
      if (t.get(i).equals(",")) {
        i++;
      } else {
        expect(t, i, "]");
        return i + 1;
      }
    }
  }

  private static boolean isId(String tok) {
    return tok.startsWith("\"") || tok.matches("[A-Za-z_][A-Za-z0-9_]*|-?[0-9.]+");
  }

  private static void expect(List<String> t, int i, String want) {
    if (i >= t.size() || !t.get(i).equals(want)) {
      throw new AssertionError(
          "expected '" + want + "' at token " + i + ", got " + (i < t.size() ? t.get(i) : "EOF"));
    }
  }

  private static List<String> dotTokens(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != '"') {
          if (s.charAt(j) == '\\') {
            j++;
          }
          j++;
        }
        if (j >= s.length()) {
          throw new AssertionError("unterminated string at " + i);
        }
        out.add(s.substring(i, j + 1));
        i = j + 1;
      } else if (s.startsWith("->", i)) {
        out.add("->");
        i += 2;
      } else if ("{}[];,=".indexOf(c) >= 0) {
        out.add(String.valueOf(c));
        i++;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
        int j = i;
        while (j < s.length()
            && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.')) {
          j++;
        }
        if (j == i) {
          throw new AssertionError("bad character at " + i + ": " + c);
        }
        out.add(s.substring(i, j));
        i = j;
      } else {
        throw new AssertionError("bad character at " + i + ": " + c);
      }
    }
    return out;
  }

  /** A small recursive-descent JSON parser; returns normally if {@code s} is one JSON value. */
  static void json(String s) {
    int end = jsonValue(s, skip(s, 0));
    if (skip(s, end) != s.length()) {
      throw new AssertionError("trailing characters at " + end);
    }
  }

  private static int skip(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int jsonValue(String s, int i) {
    if (i >= s.length()) {
      throw new AssertionError("value expected at end");
    }
    char c = s.charAt(i);
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      i = skip(s, i + 1);
      if (s.charAt(i) == close) {
        return i + 1;
      }
      while (true) {
        if (c == '{') {
          if (s.charAt(i) != '"') {
            throw new AssertionError("key expected at " + i);
          }
          i = skip(s, jsonValue(s, i));
          if (s.charAt(i) != ':') {
            throw new AssertionError("':' expected at " + i);
          }
          i = skip(s, i + 1);
        }
        i = skip(s, jsonValue(s, i));
        if (s.charAt(i) == ',') {
          i = skip(s, i + 1);
        } else if (s.charAt(i) == close) {
          return i + 1;
        } else {
          throw new AssertionError("',' or '" + close + "' expected at " + i);
        }
      }
    }
    if (c == '"') {
      int j = i + 1;
      while (s.charAt(j) != '"') {
        if (s.charAt(j) < 0x20) {
          throw new AssertionError("control character in string at " + j);
        }
        j += s.charAt(j) == '\\' ? 2 : 1;
      }
      return j + 1;
    }
    Matcher m = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null").matcher(s);
    if (m.find(i) && m.start() == i) {
      return m.end();
    }
    throw new AssertionError("value expected at " + i + ": " + s.substring(i, Math.min(s.length(), i + 20)));
  }

  /** Parses {@code html} as XML (the page is written to be well-formed). */
  static Document xml(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }
}
