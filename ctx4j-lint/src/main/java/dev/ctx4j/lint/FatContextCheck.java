package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.WhileStmt;
import java.util.Optional;

/**
 * {@code fat-context}: {@code ctx = ctx.withValue(..)} (or any derivation of a context from itself)
 * inside a loop; Go's {@code fatcontext}. Each iteration adds a node under the previous one, so the
 * chain grows with the loop count: every {@code value(..)} lookup walks it and, for cancellable
 * derivations, every node stays registered with its parent until the loop's context ends.
 */
final class FatContextCheck implements Check {
  @Override
  public String id() {
    return "fat-context";
  }

  @Override
  public String summary() {
    return "A context re-derived from itself in a loop: the chain grows by one node per iteration.";
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (AssignExpr a : unit.cu().findAll(AssignExpr.class)) {
      if (a.getOperator() != AssignExpr.Operator.ASSIGN) {
        continue;
      }
      Optional<String> target = Api.varName(a.getTarget());
      Expression value = throughTemporary(a);
      if (target.isEmpty() || !Api.isDerivation(value)) {
        continue;
      }
      Expression root = chainRoot(value);
      if (!Api.varName(root).equals(target)) {
        continue;
      }
      loopAround(a, target.get())
          .ifPresent(
              loop ->
                  sink.report(
                      a,
                      "'"
                          + target.get()
                          + "' is derived from itself on every iteration: the chain grows by one"
                          + " node per pass and each lookup walks all of them; derive a new"
                          + " variable from the outer context inside the loop instead",
                      loop,
                      "the loop that grows it"));
    }
  }

  /**
   * The assigned value; for {@code c = tmp}, what {@code tmp} holds when it is a local initialised
   * (or assigned by the statement just before) with a derivation.
   */
  private static Expression throughTemporary(AssignExpr a) {
    Expression v = Api.unwrap(a.getValue());
    if (!(v instanceof NameExpr n)) {
      return v;
    }
    Optional<Api.Decl> d = Api.declOf(n);
    if (d.isEmpty() || d.get().kind() != Api.Decl.Kind.LOCAL) {
      return v;
    }
    Optional<Expression> assignedBefore = previousAssignment(a, n.getNameAsString());
    if (assignedBefore.isPresent()) {
      return Api.unwrap(assignedBefore.get());
    }
    return d.get().init() == null ? v : Api.unwrap(d.get().init());
  }

  /** {@code tmp = x} in the statement right before the one holding {@code a}, if any. */
  private static Optional<Expression> previousAssignment(AssignExpr a, String name) {
    if (!(a.getParentNode().orElse(null) instanceof ExpressionStmt stmt)
        || !(stmt.getParentNode().orElse(null) instanceof BlockStmt block)) {
      return Optional.empty();
    }
    int i = block.getStatements().indexOf(stmt);
    if (i <= 0
        || !(block.getStatement(i - 1) instanceof ExpressionStmt prev)
        || !(prev.getExpression() instanceof AssignExpr p)
        || !Api.varName(p.getTarget()).filter(name::equals).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(p.getValue());
  }

  /** {@code ctx} in {@code ctx.withValue(a, b).withValue(c, d)}. */
  private static Expression chainRoot(Expression e) {
    Expression x = e;
    while (x instanceof MethodCallExpr m
        && Api.DERIVE.contains(m.getNameAsString())
        && m.getScope().isPresent()) {
      x = Api.unwrap(m.getScope().get());
    }
    return x;
  }

  /** The innermost loop around {@code n} (in the same method) that the variable outlives. */
  private static Optional<Statement> loopAround(Node n, String variable) {
    Optional<Node> p = n.getParentNode();
    while (p.isPresent()) {
      Node x = p.get();
      if (x instanceof CallableDeclaration<?> || x instanceof LambdaExpr) {
        return Optional.empty();
      }
      if (x instanceof ForStmt
          || x instanceof ForEachStmt
          || x instanceof WhileStmt
          || x instanceof DoStmt) {
        Statement loop = (Statement) x;
        boolean declaredInside =
            Api.lookup(n, variable).map(d -> d.node().isDescendantOf(loop)).orElse(false);
        return declaredInside ? Optional.empty() : Optional.of(loop);
      }
      p = x.getParentNode();
    }
    return Optional.empty();
  }
}
