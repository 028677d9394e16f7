package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.resolution.types.ResolvedReferenceType;
import com.github.javaparser.resolution.types.ResolvedType;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The type of an expression as far as it can be known: the declared type of a variable first (no
 * solver needed), then the symbol solver with all supertypes. Anything the solver cannot resolve is
 * simply unknown; it never fails the analysis.
 */
final class Types {
  private Types() {}

  /** Simple names of the expression's type and, when resolvable, of all its supertypes. */
  static Set<String> names(Expression e) {
    Set<String> out = new LinkedHashSet<>();
    Expression x = Api.unwrap(e);
    Optional<Api.Decl> d = Api.declOf(x);
    if (d.isPresent()) {
      if (d.get().type() instanceof ClassOrInterfaceType t) {
        out.add(t.getNameAsString());
      } else if (d.get().init() instanceof ObjectCreationExpr n) {
        out.add(n.getType().getNameAsString());
      }
    } else if (x instanceof ObjectCreationExpr n) {
      out.add(n.getType().getNameAsString());
    }
    resolved(x).ifPresent(t -> addAll(t, out));
    return out;
  }

  /** True if the expression's type is, or extends, one of {@code simpleNames}. */
  static boolean isA(Expression e, Set<String> simpleNames) {
    return names(e).stream().anyMatch(simpleNames::contains);
  }

  private static Optional<ResolvedType> resolved(Expression e) {
    if (!hasSolver(e)) {
      return Optional.empty();
    }
    try {
      return Optional.of(e.calculateResolvedType());
    } catch (RuntimeException | StackOverflowError | LinkageError ex) {
      return Optional.empty();
    }
  }

  private static boolean hasSolver(Node n) {
    return n.findCompilationUnit()
        .map(cu -> cu.containsData(Node.SYMBOL_RESOLVER_KEY))
        .orElse(false);
  }

  private static void addAll(ResolvedType t, Set<String> out) {
    if (!t.isReferenceType()) {
      return;
    }
    ResolvedReferenceType r = t.asReferenceType();
    out.add(simple(r.getQualifiedName()));
    try {
      for (ResolvedReferenceType a : r.getAllAncestors()) {
        out.add(simple(a.getQualifiedName()));
      }
    } catch (RuntimeException | StackOverflowError | LinkageError ex) {
      // Supertypes out of reach: the type's own name is all that is known.
    }
  }

  private static String simple(String qualified) {
    return qualified.substring(qualified.lastIndexOf('.') + 1);
  }
}
