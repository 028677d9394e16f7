package dev.ctx4j.lint;

import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;

/**
 * {@code context-in-field}: a context held in an instance field (or a record component) outlives
 * the operation it scopes; Go's {@code containedctx}. Static fields are left alone: a process-wide
 * root is a deliberate choice, and so is a holder whose own {@code close()} cancels the context it
 * stores (an {@code AutoCloseable} class or record): that is a scope, not a leak.
 */
final class ContextInFieldCheck implements Check {
  @Override
  public String id() {
    return "context-in-field";
  }

  @Override
  public String summary() {
    return "A Context held in an instance field: pass it as a parameter of each call instead.";
  }

  /** Interface fields are implicitly static. */
  private static boolean inInterface(FieldDeclaration f) {
    return f.getParentNode()
        .map(p -> p instanceof ClassOrInterfaceDeclaration c && c.isInterface())
        .orElse(false);
  }

  /** True if the field's own type ends the context in its {@code close()}: a scope, not a leak. */
  private static boolean closedByHolder(FieldDeclaration f, String name) {
    return f.getParentNode()
        .map(p -> p instanceof TypeDeclaration<?> t && closesOwn(t, name))
        .orElse(false);
  }

  /**
   * True if {@code type} declares {@code close()} (as an {@code AutoCloseable} does) and that body
   * cancels or closes the named field or component.
   */
  private static boolean closesOwn(TypeDeclaration<?> type, String name) {
    for (MethodDeclaration m : type.getMethodsByName("close")) {
      if (m.getParameters().isEmpty()
          && m.getBody().isPresent()
          && new CancelFlow(name).cancels(m.getBody().get())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run(Unit unit, Project project, Sink sink) {
    for (FieldDeclaration f : unit.cu().findAll(FieldDeclaration.class)) {
      if (f.isStatic() || inInterface(f)) {
        continue;
      }
      for (VariableDeclarator v : f.getVariables()) {
        if (Api.isContextType(v.getType()) && !closedByHolder(f, v.getNameAsString())) {
          sink.report(
              v,
              "field '"
                  + v.getNameAsString()
                  + "' holds a "
                  + v.getTypeAsString()
                  + ": a stored context outlives the call it scopes; pass it as the first"
                  + " parameter of each method that needs it");
        }
      }
    }
    for (RecordDeclaration r : unit.cu().findAll(RecordDeclaration.class)) {
      for (Parameter p : r.getParameters()) {
        if (Api.isContextType(p.getType()) && !closesOwn(r, p.getNameAsString())) {
          sink.report(
              p,
              "record component '"
                  + p.getNameAsString()
                  + "' of "
                  + r.getNameAsString()
                  + " holds a "
                  + p.getTypeAsString()
                  + ": pass the context next to the record, not inside it");
        }
      }
    }
  }
}
