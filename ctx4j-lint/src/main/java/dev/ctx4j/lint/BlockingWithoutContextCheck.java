package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import java.util.Optional;
import java.util.Set;

/**
 * {@code blocking-without-context}: a call that blocks without regard to the context in scope;
 * golangci-lint's {@code noctx}. Each message names the ctx4j way to make the wait end with the
 * context. JDBC execution is reported only when the connection provably did not come from a {@code
 * ContextDataSource} ({@code DriverManager}, or a {@code DataSource} that is not one).
 */
final class BlockingWithoutContextCheck implements Check {
  private static final Set<String> FUTURES =
      Set.of("Future", "CompletableFuture", "FutureTask", "ScheduledFuture", "ForkJoinTask");
  private static final Set<String> QUEUES =
      Set.of(
          "BlockingQueue",
          "BlockingDeque",
          "TransferQueue",
          "LinkedBlockingQueue",
          "ArrayBlockingQueue",
          "PriorityBlockingQueue",
          "DelayQueue",
          "SynchronousQueue",
          "LinkedTransferQueue",
          "LinkedBlockingDeque");
  private static final Set<String> STATEMENTS =
      Set.of("Statement", "PreparedStatement", "CallableStatement");
  private static final Set<String> EXECUTE =
      Set.of(
          "execute",
          "executeQuery",
          "executeUpdate",
          "executeLargeUpdate",
          "executeBatch",
          "executeLargeBatch");

  @Override
  public String id() {
    return "blocking-without-context";
  }

  @Override
  public String summary() {
    return "A blocking call that ignores the context in scope; the message names the ctx4j"
        + " alternative.";
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (MethodCallExpr call : unit.cu().findAll(MethodCallExpr.class)) {
      Optional<String> ctx = contextInScope(call);
      if (ctx.isEmpty() || interruptedByContext(call)) {
        continue;
      }
      String c = ctx.get();
      String alternative = alternative(call, c);
      if (alternative != null) {
        sink.report(
            call, call.getNameAsString() + "(..) blocks without '" + c + "': " + alternative);
      }
    }
  }

  /** The ctx4j alternative for a blocking call, or null if the call is not one. */
  private static String alternative(MethodCallExpr call, String c) {
    String name = call.getNameAsString();
    int args = call.getArguments().size();
    Optional<Expression> scope = call.getScope();
    String recv = scope.map(Node::toString).orElse("this");
    boolean on = scope.isPresent();
    return switch (name) {
      case "sleep" ->
          args == 1 && (recv.equals("Thread") || recv.equals("java.lang.Thread"))
              ? "Thread.sleep ignores cancellation; use "
                  + c
                  + ".sleep(duration), which returns"
                  + " early with a ContextException when "
                  + c
                  + " ends"
              : null;
      case "get" ->
          args == 0 && on && (Types.isA(scope.get(), FUTURES) || isFutureFactory(scope.get()))
              ? "an untimed Future.get waits forever; use "
                  + c
                  + ".get("
                  + recv
                  + "), which stops"
                  + " waiting when "
                  + c
                  + " ends"
              : null;
      case "take", "put" ->
          args == (name.equals("take") ? 0 : 1) && on && Types.isA(scope.get(), QUEUES)
              ? "wrap it as "
                  + c
                  + ".callInterruptibly(() -> "
                  + call
                  + ") so that it is"
                  + " interrupted when "
                  + c
                  + " ends"
              : null;
      case "wait" ->
          args == 0 && (!on || !Api.isContextExpr(scope.get()))
              ? "Object.wait() ignores "
                  + c
                  + "; run it inside "
                  + c
                  + ".callInterruptibly(..)"
                  + " or wait for "
                  + c
                  + ".done() with the condition"
              : null;
      case "await" ->
          args == 0 && on && Types.isA(scope.get(), Set.of("CountDownLatch"))
              ? "run it inside "
                  + c
                  + ".callInterruptibly(..) so that it is interrupted when "
                  + c
                  + " ends"
              : null;
      case "send" ->
          args == 2 && on && Types.isA(scope.get(), Set.of("HttpClient"))
              ? "run it inside "
                  + c
                  + ".callInterruptibly(..): interrupting send aborts the"
                  + " exchange when "
                  + c
                  + " ends (or use ctx4j-http's client)"
              : null;
      default ->
          EXECUTE.contains(name) && on && notFromContextDataSource(scope.get())
              ? "the connection does not come from a ContextDataSource; obtain it from"
                  + " ContextDataSource (ctx4j-jdbc) so that the statement gets "
                  + c
                  + "'s"
                  + " deadline as query timeout and is cancelled when "
                  + c
                  + " ends"
              : null;
    };
  }

  /**
   * True if the call runs inside a lambda handed to {@code x.callInterruptibly(..)} on a context:
   * the context interrupts it when it ends, which is the remedy this check proposes.
   */
  private static boolean interruptedByContext(Node call) {
    Optional<Node> p = call.getParentNode();
    while (p.isPresent()) {
      Node x = p.get();
      if (x instanceof LambdaExpr l
          && l.getParentNode().orElse(null) instanceof MethodCallExpr m
          && m.getNameAsString().equals("callInterruptibly")
          && m.getArguments().contains(l)
          && m.getScope().map(Api::isContextExpr).orElse(false)) {
        return true;
      }
      if (x instanceof com.github.javaparser.ast.body.CallableDeclaration<?>) {
        return false;
      }
      p = x.getParentNode();
    }
    return false;
  }

  /** A context parameter, or a context local declared before {@code n} in the same body. */
  static Optional<String> contextInScope(Node n) {
    Optional<Parameter> p = Api.contextParam(n);
    if (p.isPresent()) {
      return Optional.of(p.get().getNameAsString());
    }
    Node body = Api.ancestor(n, LambdaExpr.class).map(l -> (Node) l).orElse(null);
    if (body == null) {
      body = CallGraph.enclosing(n);
    }
    if (body == null) {
      return Optional.empty();
    }
    for (VariableDeclarator v : body.findAll(VariableDeclarator.class)) {
      if (v.getBegin().isPresent()
          && n.getBegin().isPresent()
          && v.getBegin().get().isBefore(n.getBegin().get())
          && Api.lookup(n, v.getNameAsString())
              .map(d -> Api.same(d.node(), v) && Api.isContextDecl(d))
              .orElse(false)) {
        return Optional.of(v.getNameAsString());
      }
    }
    return Optional.empty();
  }

  private static boolean notFromContextDataSource(Expression statement) {
    if (!Types.isA(statement, STATEMENTS)) {
      return false;
    }
    Expression origin = origin(statement);
    if (!(origin instanceof MethodCallExpr create)
        || !Set.of("createStatement", "prepareStatement", "prepareCall")
            .contains(create.getNameAsString())
        || create.getScope().isEmpty()) {
      return false;
    }
    Expression conn = origin(create.getScope().get());
    if (!(conn instanceof MethodCallExpr get)
        || !get.getNameAsString().equals("getConnection")
        || get.getScope().isEmpty()) {
      return false;
    }
    Expression source = Api.unwrap(get.getScope().get());
    if (source.toString().equals("DriverManager")
        || source.toString().equals("java.sql.DriverManager")) {
      return true;
    }
    Set<String> types = Types.names(source);
    if (types.contains("ContextDataSource")) {
      return false;
    }
    Optional<Api.Decl> d = Api.declOf(source);
    boolean wrapped =
        d.map(x -> x.init() != null && x.init().toString().contains("ContextDataSource"))
            .orElse(false);
    boolean plain =
        types.contains("DataSource")
            && d.isPresent()
            && (d.get().init() != null || plainField(source, d.get()));
    return (plain || source instanceof ObjectCreationExpr) && !wrapped;
  }

  /**
   * A field declared {@code DataSource} (not {@code ContextDataSource}) that nothing in its class
   * sets from a {@code ContextDataSource}: the pool was not wrapped where the class holds it.
   */
  private static boolean plainField(Expression source, Api.Decl d) {
    if (d.kind() != Api.Decl.Kind.FIELD
        || !(d.type() instanceof ClassOrInterfaceType t)
        || !t.getNameAsString().equals("DataSource")) {
      return false;
    }
    Node owner = Api.ancestor(d.node(), TypeDeclaration.class).map(o -> (Node) o).orElse(null);
    if (owner == null) {
      return false;
    }
    for (AssignExpr a : owner.findAll(AssignExpr.class)) {
      if (Api.varName(a.getTarget()).filter(d.name()::equals).isPresent()
          && a.getValue().toString().contains("ContextDataSource")) {
        return false;
      }
    }
    return Api.varName(source).isPresent();
  }

  /** {@code CompletableFuture.allOf(..)}, {@code anyOf}, {@code supplyAsync}, {@code runAsync}. */
  private static boolean isFutureFactory(Expression e) {
    return Api.unwrap(e) instanceof MethodCallExpr m
        && Set.of("allOf", "anyOf", "supplyAsync", "runAsync").contains(m.getNameAsString())
        && m.getScope()
            .map(
                s ->
                    s.toString().equals("CompletableFuture")
                        || s.toString().equals("java.util.concurrent.CompletableFuture"))
            .orElse(false);
  }

  /** The initializer of a local variable, or the expression itself. */
  private static Expression origin(Expression e) {
    Expression x = Api.unwrap(e);
    Optional<Api.Decl> d = Api.declOf(x);
    if (d.isPresent() && d.get().kind() == Api.Decl.Kind.LOCAL && d.get().init() != null) {
      return Api.unwrap(d.get().init());
    }
    return x;
  }
}
