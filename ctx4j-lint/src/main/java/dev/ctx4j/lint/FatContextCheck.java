package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.DoStmt;
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
      if (target.isEmpty() || !Api.isDerivation(Api.unwrap(a.getValue()))) {
        continue;
      }
      Expression root = chainRoot(Api.unwrap(a.getValue()));
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
