package dev.ctx4j.lint;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.resolution.TypeSolver;
import com.github.javaparser.symbolsolver.JavaSymbolSolver;
import com.github.javaparser.symbolsolver.javaparsermodel.JavaParserFacade;
import com.github.javaparser.symbolsolver.resolution.typesolvers.CombinedTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.JavaParserTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.MemoryTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.ReflectionTypeSolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The analysed sources: every {@code .java} file under the given paths, parsed, with a symbol
 * solver attached to the files that use ctx4j (types resolve against the JDK, the ctx4j API and the
 * analysed sources themselves).
 */
final class Project {
  private final List<Unit> units;
  private final List<Finding> parseErrors;
  private CallGraph graph;

  private Project(List<Unit> units, List<Finding> parseErrors) {
    this.units = units;
    this.parseErrors = parseErrors;
  }

  List<Unit> units() {
    return units;
  }

  List<Finding> parseErrors() {
    return parseErrors;
  }

  /** The call graph of the files that use ctx4j, built on first use. */
  CallGraph graph() {
    if (graph == null) {
      graph = CallGraph.build(this);
    }
    return graph;
  }

  /**
   * Parses every {@code .java} file under {@code paths} (files are taken as given, directories are
   * walked; the order is sorted and stable).
   *
   * @throws NoSuchFileException if a path does not exist
   * @throws IOException if a file or directory cannot be read
   */
  static Project load(List<Path> paths) throws IOException {
    Objects.requireNonNull(paths, "paths");
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("paths is empty: give at least one file or directory");
    }
    Set<Path> files = new LinkedHashSet<>();
    for (Path p : paths) {
      files.addAll(javaFiles(p));
    }
    List<Path> sorted = new ArrayList<>(files);
    List<Object> parsed;
    try {
      parsed = sorted.parallelStream().map(Project::parseOne).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<Unit> units = new ArrayList<>();
    List<Finding> errors = new ArrayList<>();
    for (Object o : parsed) {
      if (o instanceof Unit u) {
        units.add(u);
      } else {
        errors.add((Finding) o);
      }
    }
    attachSolver(units);
    return new Project(Collections.unmodifiableList(units), List.copyOf(errors));
  }

  private static List<Path> javaFiles(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new NoSuchFileException(p.toString(), null, "no such file or directory");
    }
    if (!Files.isDirectory(p)) {
      return List.of(p.normalize());
    }
    try (Stream<Path> walk = Files.walk(p)) {
      return walk.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f))
          .map(Path::normalize)
          .sorted()
          .toList();
    }
  }

  private static final ThreadLocal<JavaParser> PARSER =
      ThreadLocal.withInitial(
          () ->
              new JavaParser(
                  new ParserConfiguration()
                      .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)
                      .setAttributeComments(false)));

  /** A {@link Unit} or a parse-error {@link Finding}. */
  private static Object parseOne(Path file) {
    String text;
    try {
      text = decode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ParseResult<CompilationUnit> r;
    try {
      r = PARSER.get().parse(text);
    } catch (RuntimeException | StackOverflowError e) {
      return new Finding(
          Checks.PARSE_ERROR, file, 1, 1, "the parser gave up on this file: " + e, null);
    }
    if (r.isSuccessful() && r.getResult().isPresent()) {
      return Unit.of(file, r.getResult().get(), text);
    }
    Problem first = r.getProblems().isEmpty() ? null : r.getProblems().get(0);
    int line = 1;
    int col = 1;
    String msg = "the file does not parse";
    if (first != null) {
      msg = "the file does not parse: " + firstLine(first.getMessage());
      if (first.getLocation().isPresent()) {
        var begin = first.getLocation().get().getBegin().getRange();
        if (begin.isPresent()) {
          line = begin.get().begin.line;
          col = begin.get().begin.column;
        }
      }
    }
    return new Finding(
        Checks.PARSE_ERROR, file, line, col, msg + "; its other checks were skipped", null);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String t = nl < 0 ? s : s.substring(0, nl);
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** UTF-8 with malformed input replaced: a non-UTF-8 file is analysed, not rejected. */
  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder cannot fail", e);
    }
  }

  private static void attachSolver(List<Unit> units) {
    List<Unit> users = units.stream().filter(Unit::usesCtx4j).toList();
    if (users.isEmpty()) {
      return;
    }
    CombinedTypeSolver solver = new CombinedTypeSolver(new ReflectionTypeSolver(true));
    solver.add(apiStub(solver));
    Set<Path> roots = new LinkedHashSet<>();
    for (Unit u : users) {
      sourceRoot(u).ifPresent(roots::add);
    }
    for (Path root : roots) {
      try {
        solver.add(new JavaParserTypeSolver(root, PARSER.get().getParserConfiguration()));
      } catch (RuntimeException e) {
        // A root that cannot be walked (files vanishing under it): resolve without it.
        System.getLogger(Project.class.getName())
            .log(System.Logger.Level.DEBUG, "source root skipped: " + root, e);
      }
    }
    JavaSymbolSolver symbols = new JavaSymbolSolver(solver);
    for (Unit u : users) {
      u.cu().setData(Node.SYMBOL_RESOLVER_KEY, symbols);
    }
  }

  /**
   * The directory the file's package starts in, if the directories spell the package (a file whose
   * location disagrees with its package gives no root rather than a wrong one).
   */
  private static java.util.Optional<Path> sourceRoot(Unit u) {
    Path dir = u.path().toAbsolutePath().normalize().getParent();
    String pkg = u.cu().getPackageDeclaration().map(p -> p.getNameAsString()).orElse("");
    if (dir == null) {
      return java.util.Optional.empty();
    }
    if (!pkg.isEmpty()) {
      List<String> parts = List.of(pkg.split("\\.", -1));
      for (int i = parts.size() - 1; i >= 0; i--) {
        if (dir == null
            || dir.getFileName() == null
            || !dir.getFileName().toString().equals(parts.get(i))) {
          return java.util.Optional.empty();
        }
        dir = dir.getParent();
      }
    }
    return java.util.Optional.ofNullable(dir);
  }

  /** The ctx4j API, from the signature stub shipped with this module. */
  private static TypeSolver apiStub(TypeSolver root) {
    MemoryTypeSolver memory = new MemoryTypeSolver();
    String stub;
    try (InputStream in = Project.class.getResourceAsStream("api-stub.txt")) {
      if (in == null) {
        throw new IllegalStateException("api-stub.txt is missing from the ctx4j-lint jar");
      }
      stub = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ParserConfiguration raw =
        new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.RAW);
    CompilationUnit cu =
        new JavaParser(raw)
            .parse(stub)
            .getResult()
            .orElseThrow(() -> new IllegalStateException("api-stub.txt does not parse"));
    JavaParserFacade facade = JavaParserFacade.get(root);
    for (TypeDeclaration<?> t : cu.getTypes()) {
      if (t.isClassOrInterfaceDeclaration()) {
        memory.addDeclaration(
            "dev.ctx4j." + t.getNameAsString(),
            facade.getTypeDeclaration(t.asClassOrInterfaceDeclaration()));
      }
    }
    return memory;
  }
}
