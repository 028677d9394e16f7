package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MemberValuePair;
import com.github.javaparser.ast.expr.NormalAnnotationExpr;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects the findings of one check in one file, dropping those suppressed with
 * {@code @SuppressWarnings("ctx4j:<id>")} on an enclosing declaration.
 */
final class Sink {
  private final String check;
  private final Unit unit;
  private final List<Finding> out;

  Sink(String check, Unit unit, List<Finding> out) {
    this.check = check;
    this.unit = unit;
    this.out = out;
  }

  Unit unit() {
    return unit;
  }

  void report(Node at, String message) {
    report(at, message, null, null);
  }

  /** Reports at {@code at}; {@code related}, if not null, is in the same file. */
  void report(Node at, String message, Node related, String relatedMessage) {
    Finding.Related r =
        related == null
            ? null
            : new Finding.Related(
                unit.path(), Api.line(related), Api.column(related), relatedMessage);
    report(at, message, r);
  }

  void report(Node at, String message, Finding.Related related) {
    if (suppressed(at, check)) {
      return;
    }
    out.add(new Finding(check, unit.path(), Api.line(at), Api.column(at), message, related));
  }

  static boolean suppressed(Node at, String check) {
    Optional<Node> n = Optional.of(at);
    while (n.isPresent()) {
      if (n.get() instanceof NodeWithAnnotations<?> a) {
        for (AnnotationExpr ann : a.getAnnotations()) {
          if (isSuppressWarnings(ann) && values(ann).stream().anyMatch(v -> matches(v, check))) {
            return true;
          }
        }
      }
      n = n.get().getParentNode();
    }
    return false;
  }

  private static boolean matches(String value, String check) {
    return value.equals("ctx4j:" + check) || value.equals("ctx4j:all");
  }

  private static boolean isSuppressWarnings(AnnotationExpr a) {
    String n = a.getNameAsString();
    return n.equals("SuppressWarnings") || n.equals("java.lang.SuppressWarnings");
  }

  private static List<String> values(AnnotationExpr a) {
    List<String> vs = new ArrayList<>();
    if (a instanceof SingleMemberAnnotationExpr s) {
      collect(s.getMemberValue(), vs);
    } else if (a instanceof NormalAnnotationExpr na) {
      for (MemberValuePair p : na.getPairs()) {
        if (p.getNameAsString().equals("value")) {
          collect(p.getValue(), vs);
        }
      }
    }
    return vs;
  }

  private static void collect(Expression e, List<String> vs) {
    if (e instanceof StringLiteralExpr s) {
      vs.add(s.getValue());
    } else if (e instanceof ArrayInitializerExpr arr) {
      arr.getValues().forEach(v -> collect(v, vs));
    }
  }
}
