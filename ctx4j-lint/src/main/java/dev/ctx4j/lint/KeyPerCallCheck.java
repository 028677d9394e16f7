package dev.ctx4j.lint;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import java.util.Optional;

/**
 * {@code key-per-call}: {@code Key.named(..)} inside a method, constructor, lambda or instance
 * initializer makes a new key on every run; keys compare by identity, so a value stored under one
 * can never be found with the next. Keys belong in {@code static final} fields.
 */
final class KeyPerCallCheck implements Check {
  @Override
  public String id() {
    return "key-per-call";
  }

  @Override
  public String summary() {
    return "Key.named(..) inside a method body: a new key each call, whose values are never found.";
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (MethodCallExpr call : unit.cu().findAll(MethodCallExpr.class)) {
      if (!isKeyNamed(call)) {
        continue;
      }
      where(call)
          .ifPresent(
              what ->
                  sink.report(
                      call,
                      "Key.named("
                          + String.join(
                              ", ", call.getArguments().stream().map(Node::toString).toList())
                          + ") in "
                          + what
                          + " creates a new key on each run; keys compare by identity, so values"
                          + " stored under it are never found again: hold the key in a static final"
                          + " field"));
    }
  }

  private static boolean isKeyNamed(MethodCallExpr call) {
    return call.getNameAsString().equals("named")
        && call.getArguments().size() == 1
        && call.getScope()
            .map(s -> s.toString().equals("Key") || s.toString().equals("dev.ctx4j.Key"))
            .orElse(false);
  }

  /** A description of the body the call runs in, or empty for a static initialization. */
  private static Optional<String> where(Node call) {
    Optional<Node> p = call.getParentNode();
    while (p.isPresent()) {
      Node n = p.get();
      if (n instanceof LambdaExpr) {
        return Optional.of("a lambda");
      }
      if (n instanceof CallableDeclaration<?> c) {
        return Optional.of(
            (c.isConstructorDeclaration() ? "constructor " : "method ") + c.getNameAsString());
      }
      if (n instanceof InitializerDeclaration i) {
        return i.isStatic() ? Optional.empty() : Optional.of("an instance initializer");
      }
      if (n instanceof FieldDeclaration f) {
        return f.isStatic() ? Optional.empty() : Optional.of("an instance field initializer");
      }
      p = n.getParentNode();
    }
    return Optional.empty();
  }
}
