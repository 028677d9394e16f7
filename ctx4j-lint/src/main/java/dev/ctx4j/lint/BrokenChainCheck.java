package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithAnnotations;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code broken-chain}: a fresh root ({@code Context.background()} or {@code todo()}) where a
 * context is available; golangci-lint's {@code contextcheck}. Available means: a context parameter
 * of the enclosing method or lambda, or every known caller of the method (transitively) has one —
 * then the message names the nearest such caller, whose context is dropped at the call. Code marked
 * {@code @IntentionalRoot} (the method, constructor or an enclosing class) is not reported, as the
 * runtime detector does not report it.
 */
final class BrokenChainCheck implements Check {
  @Override
  public String id() {
    return "broken-chain";
  }

  @Override
  public String summary() {
    return "Context.background()/todo() where the caller's context should flow: its cancel and"
        + " deadline are lost.";
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (MethodCallExpr call : unit.cu().findAll(MethodCallExpr.class)) {
      if (!Api.isRootCall(call) || intentional(call)) {
        continue;
      }
      String root = "Context." + call.getNameAsString() + "()";
      Optional<Parameter> param = Api.contextParam(call);
      if (param.isPresent()) {
        String p = param.get().getNameAsString();
        sink.report(
            call,
            root
                + " drops '"
                + p
                + "', the context in scope here: work started from it ignores the caller's"
                + " cancel and deadline; derive from "
                + p
                + " (or "
                + p
                + ".withoutCancel() for work that must outlive it)",
            param.get(),
            "'" + p + "' is available here");
        continue;
      }
      CallableDeclaration<?> decl = CallGraph.enclosing(call);
      if (decl == null) {
        continue;
      }
      CallGraph graph = project.graph();
      Optional<CallGraph.Method> m = graph.methodOf(decl);
      if (m.isEmpty() || !graph.reachedWithContext().contains(m.get())) {
        continue;
      }
      Optional<List<CallGraph.Edge>> path = graph.droppingCaller(m.get());
      if (path.isEmpty()) {
        continue;
      }
      report(sink, call, root, m.get(), path.get());
    }
  }

  /** True inside a method, constructor or class marked {@code @IntentionalRoot}. */
  private static boolean intentional(Node n) {
    for (Node p = n; p != null; p = p.getParentNode().orElse(null)) {
      if (p instanceof NodeWithAnnotations<?> a
          && (a.isAnnotationPresent("IntentionalRoot")
              || a.isAnnotationPresent("dev.ctx4j.IntentionalRoot"))) {
        return true;
      }
    }
    return false;
  }

  private static void report(
      Sink sink, MethodCallExpr call, String root, CallGraph.Method m, List<CallGraph.Edge> path) {
    CallGraph.Edge last = path.get(path.size() - 1);
    CallGraph.Method caller = last.from();
    String via =
        path.size() == 1
            ? ""
            : " via "
                + path.subList(0, path.size() - 1).stream()
                    .map(e -> e.from().label)
                    .collect(Collectors.joining(" <- "));
    String ctx = last.ctx().getNameAsString();
    sink.report(
        call,
        root
            + " in "
            + m.label
            + ", which is only reached from methods that have a context: "
            + caller.label
            + " (line "
            + Api.line(last.site())
            + ") calls it"
            + via
            + " without its context '"
            + ctx
            + "'; take a Context parameter and pass "
            + ctx
            + " along",
        new Finding.Related(
            caller.unit.path(),
            Api.line(last.site()),
            Api.column(last.site()),
            caller.label + " drops its context '" + ctx + "' here"));
  }
}
