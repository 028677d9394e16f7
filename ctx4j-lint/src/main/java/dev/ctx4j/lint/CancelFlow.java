package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.BreakStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.ContinueStmt;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.LabeledStmt;
import com.github.javaparser.ast.stmt.LocalClassDeclarationStmt;
import com.github.javaparser.ast.stmt.LocalRecordDeclarationStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.SynchronizedStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import com.github.javaparser.ast.stmt.YieldStmt;
import java.util.List;
import java.util.Set;

/**
 * Walks the statements after a context is created and tells whether every path cancels it before a
 * return or the end of its scope. Structured, path-insensitive to values: both branches of an
 * {@code if} count, a loop body may run zero times, a {@code finally} (or a try-with-resources
 * naming the variable) that cancels covers everything inside its {@code try}. Throwing is not a
 * leak (as in Go's {@code lostcancel}, which ignores panics).
 */
final class CancelFlow {
  /** Calls that end a cancellable context. */
  static final Set<String> CANCEL = Set.of("cancel", "close");

  /** Calls that hand an argument to a holder that may outlive the method. */
  static final Set<String> STORING =
      Set.of(
          "add",
          "addFirst",
          "addLast",
          "offer",
          "put",
          "push",
          "set",
          "register",
          "submit",
          "complete",
          "store",
          "accept",
          "onClose",
          "adopt");

  /** What is known at a point: not yet cancelled, cancelled on every path, or unreachable. */
  enum State {
    LIVE,
    DONE,
    DEAD;

    State merge(State other) {
      if (this == DEAD) {
        return other;
      }
      if (other == DEAD) {
        return this;
      }
      return this == DONE && other == DONE ? DONE : LIVE;
    }
  }

  private final String name;
  private Node leakingReturn;

  /** Loops (for continue) and loops or switches (for break) entered since the declaration. */
  private int loops;

  private int breakables;

  /** Hand-overs to a method taking a {@code CancellableContext} are looked up here, if set. */
  private final Project project;

  CancelFlow(String name) {
    this(name, null);
  }

  CancelFlow(String name, Project project) {
    this.name = name;
    this.project = project;
  }

  /**
   * The first return reached with the context still live, or a {@code break}/{@code continue} that
   * leaves the variable's scope (a retry loop's {@code continue} past an attempt's context), or
   * null.
   */
  Node leakingReturn() {
    return leakingReturn;
  }

  State sequence(List<Statement> stmts, State in) {
    State s = in;
    for (Statement st : stmts) {
      if (s != State.LIVE) {
        return s;
      }
      s = statement(st, s);
    }
    return s;
  }

  State statement(Statement st, State in) {
    if (in != State.LIVE) {
      return in;
    }
    if (st instanceof BlockStmt b) {
      return sequence(b.getStatements(), in);
    }
    if (st instanceof ReturnStmt r) {
      if (r.getExpression().map(this::cancels).orElse(false)) {
        return State.DEAD;
      }
      if (leakingReturn == null) {
        leakingReturn = r;
      }
      return State.DEAD;
    }
    if (st instanceof BreakStmt || st instanceof ContinueStmt) {
      int depth = st instanceof BreakStmt ? breakables : loops;
      if (depth == 0 && leakingReturn == null) {
        leakingReturn = st;
      }
      return State.DEAD;
    }
    if (st instanceof ThrowStmt || st instanceof YieldStmt) {
      return State.DEAD;
    }
    if (st instanceof IfStmt i) {
      if (cancels(i.getCondition())) {
        return State.DONE;
      }
      State then = statement(i.getThenStmt(), in);
      State other = i.getElseStmt().map(e -> statement(e, in)).orElse(in);
      return then.merge(other);
    }
    if (st instanceof TryStmt t) {
      return tryStmt(t, in);
    }
    if (st instanceof WhileStmt w) {
      loopBody(w.getBody(), in);
      return cancels(w.getCondition()) ? State.DONE : in;
    }
    if (st instanceof ForStmt f) {
      loopBody(f.getBody(), in);
      return in;
    }
    if (st instanceof ForEachStmt f) {
      loopBody(f.getBody(), in);
      return in;
    }
    if (st instanceof DoStmt d) {
      State body = loopBody(d.getBody(), in);
      return body == State.DONE ? State.DONE : in;
    }
    if (st instanceof SwitchStmt sw) {
      return switchStmt(sw, in);
    }
    if (st instanceof SynchronizedStmt s) {
      return statement(s.getBody(), in);
    }
    if (st instanceof LabeledStmt l) {
      return statement(l.getStatement(), in);
    }
    if (st instanceof LocalClassDeclarationStmt || st instanceof LocalRecordDeclarationStmt) {
      return in;
    }
    return cancels(st) ? State.DONE : in;
  }

  private State loopBody(Statement body, State in) {
    loops++;
    breakables++;
    try {
      return statement(body, in);
    } finally {
      loops--;
      breakables--;
    }
  }

  private State tryStmt(TryStmt t, State in) {
    boolean resource =
        t.getResources().stream()
            .anyMatch(r -> r instanceof NameExpr n && n.getNameAsString().equals(name));
    boolean finallyCancels =
        t.getFinallyBlock()
            .map(f -> new CancelFlow(name, project).statement(f, State.LIVE) == State.DONE)
            .orElse(false);
    if (resource || finallyCancels) {
      return State.DONE;
    }
    State out = statement(t.getTryBlock(), in);
    for (CatchClause c : t.getCatchClauses()) {
      out = out.merge(statement(c.getBody(), in));
    }
    if (t.getFinallyBlock().isPresent() && out != State.DEAD) {
      out = statement(t.getFinallyBlock().get(), out);
    }
    return out;
  }

  private State switchStmt(SwitchStmt sw, State in) {
    if (cancels(sw.getSelector())) {
      return State.DONE;
    }
    boolean hasDefault = sw.getEntries().stream().anyMatch(SwitchEntry::isDefault);
    State out = hasDefault ? State.DEAD : in;
    breakables++;
    try {
      for (SwitchEntry e : sw.getEntries()) {
        out = out.merge(sequence(e.getStatements(), in));
      }
    } finally {
      breakables--;
    }
    return out;
  }

  /**
   * True if {@code n} calls {@code name.cancel(..)} or {@code name.close()} outside a lambda, hands
   * over {@code name::cancel}, or hands {@code name} to a method that takes a {@code
   * CancellableContext} (which then owns it).
   */
  boolean cancels(Node n) {
    for (MethodReferenceExpr r : n.findAll(MethodReferenceExpr.class)) {
      if (isCancelReference(r, name) && !insideDeferred(r, n)) {
        return true;
      }
    }
    for (MethodCallExpr m : n.findAll(MethodCallExpr.class)) {
      if (insideDeferred(m, n)) {
        continue;
      }
      if (CANCEL.contains(m.getNameAsString())
          && m.getScope().flatMap(Api::varName).filter(name::equals).isPresent()) {
        return true;
      }
      if (project != null) {
        for (Expression a : m.getArguments()) {
          if (Api.varName(a).filter(name::equals).isPresent()
              && LostCancelCheck.takesOwnership(m, a, project)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** {@code name::cancel} or {@code name::close}: the cancel handed over as a callback. */
  static boolean isCancelReference(MethodReferenceExpr r, String name) {
    return CANCEL.contains(r.getIdentifier())
        && (r.getScope().toString().equals(name) || r.getScope().toString().equals("this." + name));
  }

  private static boolean insideDeferred(Node m, Node stop) {
    Node x = m;
    while (x != null && !Api.same(x, stop)) {
      if (x instanceof LambdaExpr
          || (x instanceof ObjectCreationExpr o && o.getAnonymousClassBody().isPresent())) {
        return true;
      }
      x = x.getParentNode().orElse(null);
    }
    return false;
  }
}
