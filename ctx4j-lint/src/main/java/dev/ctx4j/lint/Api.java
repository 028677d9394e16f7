package dev.ctx4j.lint;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import com.github.javaparser.ast.type.UnknownType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the checks know about the ctx4j API, matched on syntax first (names, declared types) so that
 * unresolvable code is still analysed; {@link Types} adds the symbol solver where syntax is silent.
 */
final class Api {
  private Api() {}

  /** Derivations whose result its creator must cancel. */
  static final Set<String> CANCELLABLE = Set.of("withCancel", "withTimeout", "withDeadline");

  /** Every derivation of a child context. */
  static final Set<String> DERIVE =
      Set.of("withCancel", "withTimeout", "withDeadline", "withValue", "withoutCancel");

  /** Fresh roots. */
  static final Set<String> ROOTS = Set.of("background", "todo");

  /** A declaration a name refers to: parameter, local, resource, field or catch parameter. */
  record Decl(String name, Type type, Expression init, Node node, Kind kind) {
    enum Kind {
      PARAM,
      LOCAL,
      FIELD
    }
  }

  static boolean isContextType(Type t) {
    return t instanceof ClassOrInterfaceType c && isContextName(c, "Context", "CancellableContext");
  }

  static boolean isCancellableType(Type t) {
    return t instanceof ClassOrInterfaceType c && isContextName(c, "CancellableContext");
  }

  private static boolean isContextName(ClassOrInterfaceType c, String... names) {
    String name = c.getNameAsString();
    if (!List.of(names).contains(name)) {
      return false;
    }
    if (c.getScope().isPresent()) {
      return c.getScope().get().asString().equals("dev.ctx4j");
    }
    return c.findCompilationUnit().map(cu -> !shadowed(cu, name)).orElse(true);
  }

  /** True if the simple name means another type here: imported from elsewhere or declared here. */
  private static boolean shadowed(CompilationUnit cu, String name) {
    for (ImportDeclaration i : cu.getImports()) {
      if (!i.isStatic()
          && !i.isAsterisk()
          && i.getName().getIdentifier().equals(name)
          && !i.getNameAsString().equals("dev.ctx4j." + name)) {
        return true;
      }
    }
    return cu.findFirst(TypeDeclaration.class, t -> t.getNameAsString().equals(name)).isPresent();
  }

  /** {@code Context.background()}, {@code Context.todo()}, or a static import of them. */
  static boolean isRootCall(Expression e) {
    if (!(e instanceof MethodCallExpr m)
        || !ROOTS.contains(m.getNameAsString())
        || !m.getArguments().isEmpty()) {
      return false;
    }
    return m.getScope()
        .map(s -> s.toString().equals("Context") || s.toString().equals("dev.ctx4j.Context"))
        .orElseGet(() -> staticallyImported(m, m.getNameAsString()));
  }

  private static boolean staticallyImported(Node n, String member) {
    return n.findCompilationUnit()
        .map(
            cu ->
                cu.getImports().stream()
                    .anyMatch(
                        i ->
                            i.isStatic()
                                && (i.getNameAsString().equals("dev.ctx4j.Context." + member)
                                    || (i.isAsterisk()
                                        && i.getNameAsString().equals("dev.ctx4j.Context")))))
        .orElse(false);
  }

  /** {@code x.withCancel()/withTimeout(..)/withDeadline(..)} on a context expression. */
  static boolean isCancellableFactory(Expression e) {
    return e instanceof MethodCallExpr m
        && CANCELLABLE.contains(m.getNameAsString())
        && m.getScope().map(Api::isContextExpr).orElse(false);
  }

  /** {@code x.with…(..)} on a context expression. */
  static boolean isDerivation(Expression e) {
    return e instanceof MethodCallExpr m
        && DERIVE.contains(m.getNameAsString())
        && m.getScope().map(Api::isContextExpr).orElse(false);
  }

  /** True if the expression evaluates to a ctx4j context, as far as syntax tells. */
  static boolean isContextExpr(Expression e) {
    Expression x = unwrap(e);
    if (isRootCall(x) || isDerivation(x)) {
      return true;
    }
    if (x instanceof MethodCallExpr m) {
      String n = m.getNameAsString();
      if (n.equals("current")
          && m.getScope().map(s -> s.toString().endsWith("Context")).orElse(false)) {
        return true;
      }
      return n.equals("context") && m.getArguments().isEmpty() && m.getScope().isPresent();
    }
    return declOf(x).map(Api::isContextDecl).orElse(false);
  }

  static boolean isContextDecl(Decl d) {
    if (isContextType(d.type())) {
      return true;
    }
    return d.type().isVarType() && d.init() != null && isContextExpr(d.init());
  }

  /** True if the declaration holds a context its holder can cancel. */
  static boolean isCancellableDecl(Decl d) {
    if (isCancellableType(d.type())) {
      return true;
    }
    return d.type().isVarType() && d.init() != null && isCancellableFactory(d.init());
  }

  static Expression unwrap(Expression e) {
    Expression x = e;
    while (true) {
      if (x instanceof EnclosedExpr en) {
        x = en.getInner();
      } else if (x instanceof CastExpr c) {
        x = c.getExpression();
      } else {
        return x;
      }
    }
  }

  /** The variable a simple name or {@code this.name} refers to, found by walking outwards. */
  static Optional<Decl> declOf(Expression e) {
    if (e instanceof NameExpr n) {
      return lookup(n, n.getNameAsString());
    }
    if (e instanceof FieldAccessExpr f && f.getScope() instanceof ThisExpr) {
      return Api.ancestor(f, TypeDeclaration.class).flatMap(t -> fieldOf(t, f.getNameAsString()));
    }
    return Optional.empty();
  }

  /** The name a variable reference spells, if it is a simple name or {@code this.name}. */
  static Optional<String> varName(Expression e) {
    Expression x = unwrap(e);
    if (x instanceof NameExpr n) {
      return Optional.of(n.getNameAsString());
    }
    if (x instanceof FieldAccessExpr f && f.getScope() instanceof ThisExpr) {
      return Optional.of(f.getNameAsString());
    }
    return Optional.empty();
  }

  static Optional<Decl> lookup(Node from, String name) {
    Node child = from;
    Optional<Node> parent = from.getParentNode();
    while (parent.isPresent()) {
      Node p = parent.get();
      Optional<Decl> found = lookIn(p, child, name);
      if (found.isPresent()) {
        return found;
      }
      child = p;
      parent = p.getParentNode();
    }
    return Optional.empty();
  }

  private static Optional<Decl> lookIn(Node p, Node child, String name) {
    if (p instanceof LambdaExpr l) {
      return params(lambdaParams(l), name);
    }
    if (p instanceof CallableDeclaration<?> c) {
      return params(c.getParameters(), name);
    }
    if (p instanceof CatchClause c) {
      return params(List.of(c.getParameter()), name);
    }
    if (p instanceof BlockStmt b) {
      return locals(b.getStatements(), child, name);
    }
    if (p instanceof SwitchEntry s) {
      return locals(s.getStatements(), child, name);
    }
    if (p instanceof ForStmt f) {
      for (Expression init : f.getInitialization()) {
        Optional<Decl> d = declared(init, name);
        if (d.isPresent()) {
          return d;
        }
      }
    }
    if (p instanceof ForEachStmt f) {
      return declared(f.getVariable(), name);
    }
    if (p instanceof TryStmt t) {
      for (Expression r : t.getResources()) {
        Optional<Decl> d = declared(r, name);
        if (d.isPresent()) {
          return d;
        }
      }
    }
    if (p instanceof TypeDeclaration<?> t) {
      return fieldOf(t, name);
    }
    return Optional.empty();
  }

  /**
   * A lambda's parameters; the untyped first parameter of a lambda given to {@code fork(..)} (a
   * {@code ContextTask}) is typed {@code Context}.
   */
  static List<Parameter> lambdaParams(LambdaExpr l) {
    NodeList<Parameter> ps = l.getParameters();
    boolean task =
        ps.size() == 1
            && ps.get(0).getType() instanceof UnknownType
            && l.getParentNode()
                .map(p -> p instanceof MethodCallExpr m && m.getNameAsString().equals("fork"))
                .orElse(false);
    if (!task) {
      return ps;
    }
    Parameter typed = ps.get(0).clone();
    typed.setType(new ClassOrInterfaceType(null, "Context"));
    typed.setRange(ps.get(0).getRange().orElse(null));
    return List.of(typed);
  }

  private static Optional<Decl> params(List<Parameter> ps, String name) {
    for (Parameter prm : ps) {
      if (prm.getNameAsString().equals(name)) {
        return Optional.of(new Decl(name, prm.getType(), null, prm, Decl.Kind.PARAM));
      }
    }
    return Optional.empty();
  }

  private static Optional<Decl> locals(List<Statement> stmts, Node child, String name) {
    for (Statement s : stmts) {
      if (same(s, child)) {
        break;
      }
      if (s instanceof ExpressionStmt es) {
        Optional<Decl> d = declared(es.getExpression(), name);
        if (d.isPresent()) {
          return d;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Decl> declared(Expression e, String name) {
    if (e instanceof VariableDeclarationExpr v) {
      for (VariableDeclarator d : v.getVariables()) {
        if (d.getNameAsString().equals(name)) {
          return Optional.of(
              new Decl(name, d.getType(), d.getInitializer().orElse(null), d, Decl.Kind.LOCAL));
        }
      }
    }
    return Optional.empty();
  }

  static Optional<Decl> fieldOf(TypeDeclaration<?> t, String name) {
    for (FieldDeclaration f : t.getFields()) {
      for (VariableDeclarator d : f.getVariables()) {
        if (d.getNameAsString().equals(name)) {
          return Optional.of(
              new Decl(name, d.getType(), d.getInitializer().orElse(null), d, Decl.Kind.FIELD));
        }
      }
    }
    return Optional.empty();
  }

  /** The first context-typed parameter of a callable or lambda enclosing {@code n}, if any. */
  static Optional<Parameter> contextParam(Node n) {
    Optional<Node> p = Optional.of(n);
    while (p.isPresent()) {
      Node x = p.get();
      List<Parameter> ps = List.of();
      if (x instanceof LambdaExpr l) {
        ps = lambdaParams(l);
      } else if (x instanceof CallableDeclaration<?> c) {
        ps = c.getParameters();
      }
      for (Parameter prm : ps) {
        if (isContextType(prm.getType())) {
          return Optional.of(prm);
        }
      }
      if (x instanceof CallableDeclaration<?> || x instanceof TypeDeclaration<?>) {
        return Optional.empty();
      }
      p = x.getParentNode();
    }
    return Optional.empty();
  }

  /**
   * Identity of syntax nodes (Node.equals compares structure: two equal-looking calls are equal).
   */
  @SuppressWarnings("ReferenceEquality")
  static boolean same(Node a, Node b) {
    return a == b;
  }

  /** The nearest proper ancestor of the given class (not varargs, unlike Node.findAncestor). */
  static <T> Optional<T> ancestor(Node n, Class<T> type) {
    Optional<Node> p = n.getParentNode();
    while (p.isPresent()) {
      if (type.isInstance(p.get())) {
        return Optional.of(type.cast(p.get()));
      }
      p = p.get().getParentNode();
    }
    return Optional.empty();
  }

  static int line(Node n) {
    return n.getBegin().map(p -> p.line).orElse(1);
  }

  static int column(Node n) {
    return n.getBegin().map(p -> p.column).orElse(1);
  }
}
