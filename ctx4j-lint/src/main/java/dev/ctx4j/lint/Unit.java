package dev.ctx4j.lint;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.expr.MethodCallExpr;
import java.nio.file.Path;
import java.util.List;

/**
 * One parsed source file.
 *
 * @param path the file as given on the command line (relative paths stay relative)
 * @param cu its syntax tree
 * @param source its text
 * @param usesCtx4j true if the file can name a ctx4j type: it imports from {@code dev.ctx4j}, sits
 *     in that package, or spells a qualified {@code dev.ctx4j.} name
 * @param calls for a file that does not use ctx4j, the {@code name/argCount} of every method call
 *     it makes (its tree and text are dropped to bound memory); empty otherwise
 */
record Unit(Path path, CompilationUnit cu, String source, boolean usesCtx4j, List<String> calls) {

  static Unit of(Path path, CompilationUnit cu, String source) {
    boolean uses =
        source.contains("dev.ctx4j")
            && (cu.getPackageDeclaration()
                    .map(p -> p.getNameAsString().startsWith("dev.ctx4j"))
                    .orElse(false)
                || cu.getImports().stream().anyMatch(Unit::ctx4jImport)
                || source.contains("dev.ctx4j.Context")
                || source.contains("dev.ctx4j.CancellableContext")
                || source.contains("dev.ctx4j.Key"));
    if (uses) {
      return new Unit(path, cu, source, true, List.of());
    }
    List<String> calls =
        cu.findAll(MethodCallExpr.class).stream()
            .map(c -> c.getNameAsString() + "/" + c.getArguments().size())
            .distinct()
            .toList();
    return new Unit(path, null, "", false, calls);
  }

  private static boolean ctx4jImport(ImportDeclaration i) {
    return i.getNameAsString().startsWith("dev.ctx4j");
  }

  /** The 1-based line's text, or "" when out of range. */
  String line(int n) {
    String[] lines = source.split("\n", -1);
    return n >= 1 && n <= lines.length ? lines[n - 1].stripTrailing() : "";
  }
}
