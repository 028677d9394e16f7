package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.TryStmt;
import java.util.List;
import java.util.Optional;

/**
 * {@code lost-cancel}: a context from {@code withCancel}/{@code withTimeout}/{@code withDeadline}
 * that is not cancelled (or closed) on every path and does not escape; Go's {@code lostcancel}.
 * Also a result that is never stored, and — the case {@code go vet} misses — one stored in a field
 * that nothing in the class ever cancels. Paths are walked by {@link CancelFlow}; a context that is
 * returned, stored elsewhere, captured by a lambda or handed to a constructor or collection is
 * someone else's to cancel and is not reported.
 */
final class LostCancelCheck implements Check {
  @Override
  public String id() {
    return "lost-cancel";
  }

  @Override
  public String summary() {
    return "A cancellable context that is not cancelled on every path: its timer and its place in"
        + " the parent stay until the parent ends.";
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (MethodCallExpr call : unit.cu().findAll(MethodCallExpr.class)) {
      if (!Api.isCancellableFactory(call)) {
        continue;
      }
      Node parent = call.getParentNode().orElse(null);
      if (parent instanceof VariableDeclarator v && isLocal(v) && !isResource(v)) {
        checkLocal(v, call, project, sink);
      } else if (parent instanceof MethodCallExpr m
          && m.getArguments().stream().anyMatch(a -> Api.same(a, call))
          && !CancelFlow.STORING.contains(m.getNameAsString())
          && !takesOwnership(m, call, project)) {
        sink.report(
            call,
            "the context from "
                + call.getNameAsString()
                + " on line "
                + Api.line(call)
                + " is made inline as an argument of "
                + m.getNameAsString()
                + "(..), which does not take a CancellableContext, so nothing cancels it: open it"
                + " in a try-with-resources and pass that");
      } else if (parent instanceof ExpressionStmt
          || (parent instanceof MethodCallExpr m
              && m.getScope().filter(s -> Api.same(s, call)).isPresent()
              && !CancelFlow.CANCEL.contains(m.getNameAsString()))) {
        sink.report(
            call,
            "the context from "
                + call.getNameAsString()
                + " on line "
                + Api.line(call)
                + " is never stored, so nothing can cancel it: assign it in a try-with-resources"
                + " and use that");
      }
    }
    for (TypeDeclaration<?> t : unit.cu().findAll(TypeDeclaration.class)) {
      new FieldCancels(t, sink).check();
    }
  }

  /**
   * True if {@code arg} goes to a parameter declared {@code CancellableContext} of every analysed
   * method the call may reach (by name and argument count): such a method takes over the cancel.
   */
  static boolean takesOwnership(MethodCallExpr call, Expression arg, Project project) {
    int index = -1;
    for (int i = 0; i < call.getArguments().size(); i++) {
      if (Api.same(call.getArgument(i), arg)) {
        index = i;
      }
    }
    if (index < 0) {
      return false;
    }
    boolean any = false;
    for (CallGraph.Method m : project.graph().methods().values()) {
      var ps = m.decl.getParameters();
      if (!m.decl.isConstructorDeclaration()
          && m.decl.getNameAsString().equals(call.getNameAsString())
          && ps.size() == call.getArguments().size()) {
        if (!Api.isCancellableType(ps.get(index).getType())) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  private static boolean isLocal(VariableDeclarator v) {
    return v.getParentNode().filter(p -> p instanceof VariableDeclarationExpr).isPresent();
  }

  private static boolean isResource(VariableDeclarator v) {
    Node decl = v.getParentNode().orElseThrow();
    return decl.getParentNode()
        .map(
            p ->
                p instanceof TryStmt t
                    && t.getResources().stream().anyMatch(r -> Api.same(r, decl)))
        .orElse(false);
  }

  private static void checkLocal(
      VariableDeclarator v, MethodCallExpr call, Project project, Sink sink) {
    Node stmt = v.getParentNode().flatMap(Node::getParentNode).orElse(null);
    if (!(stmt instanceof ExpressionStmt es)
        || !(es.getParentNode().orElse(null) instanceof BlockStmt block)) {
      return;
    }
    String name = v.getNameAsString();
    List<Statement> all = block.getStatements();
    List<Statement> after = all.subList(all.indexOf(es) + 1, all.size());
    if (escapes(v, after)) {
      return;
    }
    CancelFlow flow = new CancelFlow(name, project);
    CancelFlow.State end = flow.sequence(after, CancelFlow.State.LIVE);
    Node leak = flow.leakingReturn();
    String where;
    if (leak != null) {
      where =
          "this "
              + (leak instanceof ReturnStmt ? "return" : leak.toString().replace(";", ""))
              + " may be reached without cancelling it";
    } else if (end == CancelFlow.State.LIVE) {
      where = "the end of its scope may be reached without cancelling it";
      leak = block;
    } else {
      return;
    }
    int at =
        Api.same(leak, block)
            ? block.getEnd().map(p -> p.line).orElse(Api.line(block))
            : Api.line(leak);
    int col =
        Api.same(leak, block) ? block.getEnd().map(p -> p.column).orElse(1) : Api.column(leak);
    sink.report(
        call,
        "the context '"
            + name
            + "' from "
            + call.getNameAsString()
            + " on line "
            + Api.line(call)
            + " is not cancelled on all paths (line "
            + at
            + "): cancel it in a finally block or open it in a try-with-resources",
        new Finding.Related(sink.unit().path(), at, col, where));
  }

  /** True if the variable is handed to someone who may cancel it. */
  private static boolean escapes(VariableDeclarator v, List<Statement> scope) {
    String name = v.getNameAsString();
    for (Statement s : scope) {
      for (NameExpr n : s.findAll(NameExpr.class)) {
        if (n.getNameAsString().equals(name)
            && Api.lookup(n, name).map(d -> Api.same(d.node(), v)).orElse(false)
            && escapesAt(n, v, true)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * True if this use of the variable declared at {@code decl} hands it to someone else; a capture
   * by a lambda counts only for locals ({@code captures}), since a field stays its holder's.
   */
  static boolean escapesAt(Expression use, Node decl, boolean captures) {
    if (captures && capturedBetween(use, decl)) {
      return true;
    }
    Node p = use.getParentNode().orElse(null);
    if (p instanceof ReturnStmt
        || p instanceof VariableDeclarator
        || p instanceof ObjectCreationExpr) {
      return true;
    }
    if (p instanceof AssignExpr a) {
      return Api.same(a.getValue(), use);
    }
    if (p instanceof MethodCallExpr m
        && m.getArguments().stream().anyMatch(a -> Api.same(a, use))) {
      return CancelFlow.STORING.contains(m.getNameAsString());
    }
    return !(p instanceof MethodCallExpr)
        && !(p instanceof com.github.javaparser.ast.expr.BinaryExpr)
        && !(p instanceof TryStmt)
        && !(p instanceof ExpressionStmt);
  }

  /** True if a lambda or anonymous class lies between the use and the declaration. */
  private static boolean capturedBetween(Node use, Node decl) {
    Optional<Node> p = use.getParentNode();
    while (p.isPresent() && !decl.isDescendantOf(p.get())) {
      Node x = p.get();
      if (x instanceof LambdaExpr
          || (x instanceof ObjectCreationExpr o && o.getAnonymousClassBody().isPresent())) {
        return true;
      }
      p = x.getParentNode();
    }
    return false;
  }

  /** Fields that receive a fresh cancellable context and are never cancelled in the class. */
  private static final class FieldCancels {
    private final TypeDeclaration<?> type;
    private final Sink sink;

    FieldCancels(TypeDeclaration<?> type, Sink sink) {
      this.type = type;
      this.sink = sink;
    }

    void check() {
      for (var f : type.getFields()) {
        for (VariableDeclarator v : f.getVariables()) {
          if (Api.isContextType(v.getType())) {
            creation(v).ifPresent(c -> checkField(v, c));
          }
        }
      }
    }

    /** Where the field is given a context its holder must cancel. */
    private Optional<MethodCallExpr> creation(VariableDeclarator field) {
      if (field.getInitializer().map(Api::unwrap).filter(Api::isCancellableFactory).isPresent()) {
        return Optional.of((MethodCallExpr) Api.unwrap(field.getInitializer().get()));
      }
      for (AssignExpr a : type.findAll(AssignExpr.class)) {
        if (!Api.varName(a.getTarget()).filter(field.getNameAsString()::equals).isPresent()
            || !ownField(a, field)) {
          continue;
        }
        Expression value = Api.unwrap(a.getValue());
        Optional<Api.Decl> local = Api.declOf(value);
        if (local.isPresent()
            && local.get().kind() == Api.Decl.Kind.LOCAL
            && local.get().init() != null) {
          value = Api.unwrap(local.get().init());
        }
        if (Api.isCancellableFactory(value)) {
          return Optional.of((MethodCallExpr) value);
        }
      }
      return Optional.empty();
    }

    private boolean ownField(Node n, VariableDeclarator field) {
      return Api.ancestor(n, TypeDeclaration.class).filter(t -> Api.same(t, type)).isPresent()
          && (!(n instanceof AssignExpr a)
              || !(a.getTarget() instanceof NameExpr t)
              || Api.declOf(t).map(d -> Api.same(d.node(), field)).orElse(true));
    }

    private void checkField(VariableDeclarator field, MethodCallExpr created) {
      String name = field.getNameAsString();
      for (MethodReferenceExpr r : type.findAll(MethodReferenceExpr.class)) {
        if (CancelFlow.isCancelReference(r, name)) {
          return;
        }
      }
      for (MethodCallExpr m : type.findAll(MethodCallExpr.class)) {
        if (CancelFlow.CANCEL.contains(m.getNameAsString())
            && m.getScope().flatMap(Api::varName).filter(name::equals).isPresent()) {
          return;
        }
      }
      for (Expression use : type.findAll(Expression.class)) {
        boolean refers =
            (use instanceof NameExpr n && n.getNameAsString().equals(name))
                || (use instanceof FieldAccessExpr fa
                    && Api.varName(fa).filter(name::equals).isPresent());
        if (refers && !isAssignTarget(use) && escapesAt(use, field, false)) {
          return;
        }
      }
      sink.report(
          created,
          "the context from "
              + created.getNameAsString()
              + " on line "
              + Api.line(created)
              + " is stored in field '"
              + name
              + "', which nothing in "
              + type.getNameAsString()
              + " ever cancels: cancel it when the owner stops (close(), stop())",
          field,
          "field '" + name + "' is never cancelled");
    }

    private static boolean isAssignTarget(Expression e) {
      return e.getParentNode()
          .map(p -> p instanceof AssignExpr a && Api.same(a.getTarget(), e))
          .orElse(false);
    }
  }
}
