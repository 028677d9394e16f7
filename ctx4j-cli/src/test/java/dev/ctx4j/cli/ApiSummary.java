package dev.ctx4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The public API of the published modules, read from their sources by javac: every public type and
 * every public or protected member a user can reach, one signature per line, as {@code
 * docs/design/API.md} lists it (ADR 0111). Also collects the public elements that have no doc
 * comment, which javadoc's doclint (run without its {@code missing} group) does not report.
 */
final class ApiSummary {
  /** Package prefixes left out of the signatures: the reader knows where String lives. */
  private static final Pattern QUALIFIER = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+(?=[A-Z])");

  /** The result: the Markdown body, and the elements without a doc comment. */
  record Result(String markdown, List<String> undocumented) {}

  private ApiSummary() {}

  /** Reads {@code src/main/java} of each module under {@code root}, in the order given. */
  static Result of(Path root, List<String> modules) throws IOException {
    StringBuilder md = new StringBuilder();
    List<String> undocumented = new ArrayList<>();
    for (String module : modules) {
      Path src = root.resolve(module).resolve("src/main/java");
      List<Path> files;
      try (Stream<Path> walk = Files.walk(src)) {
        files =
            walk.filter(p -> p.toString().endsWith(".java"))
                .filter(p -> !p.getFileName().toString().equals("module-info.java"))
                .sorted()
                .toList();
      }
      Collector collector = new Collector();
      compile(files, collector);
      md.append("## ").append(module).append(" — `").append(moduleName(src)).append("`\n");
      for (TypeElement type : collector.types) {
        md.append('\n');
        new Writer(collector.elements, collector.typeUtils, md, undocumented).type(type);
      }
      md.append('\n');
    }
    return new Result(md.toString(), undocumented);
  }

  private static String moduleName(Path src) throws IOException {
    String info = Files.readString(src.resolve("module-info.java"));
    var m = Pattern.compile("(?m)^module\\s+([\\w.]+)").matcher(info);
    return m.find() ? m.group(1) : "?";
  }

  private static void compile(List<Path> files, Collector collector) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
      List<String> options =
          List.of(
              "-proc:only",
              "-implicit:none",
              "-Xlint:none",
              "-classpath",
              System.getProperty("java.class.path"));
      var task =
          javac.getTask(
              null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files));
      task.setProcessors(List.of(collector));
      boolean ok = task.call();
      String errors =
          diagnostics.getDiagnostics().stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .map(Object::toString)
              .collect(Collectors.joining("\n"));
      if (!ok || !errors.isEmpty()) {
        throw new IllegalStateException("javac could not read the sources:\n" + errors);
      }
    }
  }

  /** Sees every top-level public type of the sources javac was given. */
  @SupportedAnnotationTypes("*")
  static final class Collector extends AbstractProcessor {
    final List<TypeElement> types = new ArrayList<>();
    Elements elements;
    Types typeUtils;

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      elements = processingEnv.getElementUtils();
      typeUtils = processingEnv.getTypeUtils();
      for (Element e : round.getRootElements()) {
        if (e instanceof TypeElement t
            && t.getModifiers().contains(Modifier.PUBLIC)
            && !processingEnv
                .getElementUtils()
                .getPackageOf(t)
                .getQualifiedName()
                .toString()
                .endsWith(".internal")) { // qualified exports to ctx4j's own modules: not API
          types.add(t);
        }
      }
      types.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
      return false;
    }
  }

  /** Writes one type, its members and its nested public types. */
  private record Writer(
      Elements elements, Types types, StringBuilder md, List<String> undocumented) {
    void type(TypeElement type) {
      need(type, type.getQualifiedName().toString());
      md.append("```java\n").append(header(type)).append(" {\n");
      for (Element e : type.getEnclosedElements()) {
        if (!visible(type, e)
            || elements.getOrigin(e) != Elements.Origin.EXPLICIT
            || impliedByTheHeader(type, e)) {
          continue;
        }
        String where = type.getQualifiedName() + "#" + e.getSimpleName();
        switch (e.getKind()) {
          case ENUM_CONSTANT -> {
            need(e, where);
            md.append("  ").append(e.getSimpleName()).append(",\n");
          }
          case FIELD -> {
            need(e, where);
            md.append("  ").append(modifiers(e)).append(simple(e.asType())).append(' ');
            md.append(e.getSimpleName()).append(";\n");
          }
          case CONSTRUCTOR, METHOD -> {
            if (!overrides(type, (ExecutableElement) e)) { // javadoc inherits the comment
              need(e, where);
            }
            md.append("  ").append(executable(type, (ExecutableElement) e)).append(";\n");
          }
          default -> {}
        }
      }
      md.append("}\n```\n");
      for (Element e : type.getEnclosedElements()) {
        if (e instanceof TypeElement nested && visible(type, e)) {
          md.append('\n');
          type(nested);
        }
      }
    }

    /**
     * Members a record or enum header already declares (accessors, {@code equals}, {@code
     * values()}...): javac reports them as explicit even when the source does not write them.
     */
    private static boolean impliedByTheHeader(TypeElement type, Element e) {
      if (!(e instanceof ExecutableElement m) || e.getKind() != ElementKind.METHOD) {
        return false;
      }
      String name = m.getSimpleName().toString();
      int arity = m.getParameters().size();
      if (type.getKind() == ElementKind.ENUM) {
        return (name.equals("values") && arity == 0) || (name.equals("valueOf") && arity == 1);
      }
      if (type.getKind() == ElementKind.RECORD) {
        boolean accessor =
            arity == 0
                && type.getRecordComponents().stream()
                    .anyMatch(c -> c.getSimpleName().contentEquals(name));
        return accessor
            || (name.equals("equals") && arity == 1)
            || ((name.equals("hashCode") || name.equals("toString")) && arity == 0);
      }
      return false;
    }

    /** Whether {@code m} overrides or implements a method of a supertype of {@code type}. */
    private boolean overrides(TypeElement type, ExecutableElement m) {
      if (m.getKind() != ElementKind.METHOD || m.getModifiers().contains(Modifier.STATIC)) {
        return false;
      }
      List<TypeMirror> todo = new ArrayList<>(types.directSupertypes(type.asType()));
      while (!todo.isEmpty()) {
        TypeMirror sup = todo.remove(todo.size() - 1);
        Element se = types.asElement(sup);
        if (se instanceof TypeElement st) {
          for (Element other : st.getEnclosedElements()) {
            if (other instanceof ExecutableElement o && elements.overrides(m, o, type)) {
              return true;
            }
          }
          todo.addAll(types.directSupertypes(sup));
        }
      }
      return false;
    }

    private void need(Element e, String where) {
      if (elements.getDocComment(e) == null) {
        undocumented.add(where);
      }
    }

    private static boolean visible(TypeElement owner, Element e) {
      Set<Modifier> m = e.getModifiers();
      return m.contains(Modifier.PUBLIC)
          || (m.contains(Modifier.PROTECTED) && !owner.getModifiers().contains(Modifier.FINAL));
    }

    private String header(TypeElement t) {
      StringBuilder sb = new StringBuilder(modifiers(t));
      sb.append(
          switch (t.getKind()) {
            case INTERFACE -> "interface ";
            case ANNOTATION_TYPE -> "@interface ";
            case ENUM -> "enum ";
            case RECORD -> "record ";
            default -> "class ";
          });
      String pkg = elements.getPackageOf(t).getQualifiedName().toString();
      String name = t.getQualifiedName().toString().substring(pkg.length() + 1); // Outer.Inner
      sb.append(name).append(typeParameters(t.getTypeParameters()));
      if (t.getKind() == ElementKind.RECORD) {
        sb.append(
            t.getRecordComponents().stream()
                .map(c -> simple(c.asType()) + " " + c.getSimpleName())
                .collect(Collectors.joining(", ", "(", ")")));
      }
      TypeMirror sup = t.getSuperclass();
      if (t.getKind() == ElementKind.CLASS
          && sup.getKind() == TypeKind.DECLARED
          && !sup.toString().equals("java.lang.Object")) {
        sb.append(" extends ").append(simple(sup));
      }
      List<? extends TypeMirror> ifaces = t.getInterfaces();
      if (!ifaces.isEmpty()) {
        sb.append(t.getKind() == ElementKind.INTERFACE ? " extends " : " implements ");
        sb.append(ifaces.stream().map(ApiSummary::simple).collect(Collectors.joining(", ")));
      }
      List<String> permitted = new ArrayList<>();
      for (TypeMirror p : t.getPermittedSubclasses()) {
        if (types.asElement(p).getModifiers().contains(Modifier.PUBLIC)) {
          permitted.add(simple(p)); // the package-private node classes are not API
        }
      }
      if (!permitted.isEmpty()) {
        sb.append(" permits ").append(String.join(", ", permitted));
      }
      return sb.toString();
    }

    private String executable(TypeElement owner, ExecutableElement e) {
      StringBuilder sb = new StringBuilder(modifiers(e));
      String tp = typeParameters(e.getTypeParameters());
      if (!tp.isEmpty()) {
        sb.append(tp).append(' ');
      }
      if (e.getKind() == ElementKind.CONSTRUCTOR) {
        sb.append(owner.getSimpleName());
      } else {
        sb.append(simple(e.getReturnType())).append(' ').append(e.getSimpleName());
      }
      List<String> params = new ArrayList<>();
      List<? extends VariableElement> ps = e.getParameters();
      for (int i = 0; i < ps.size(); i++) {
        String type = simple(ps.get(i).asType());
        if (e.isVarArgs() && i == ps.size() - 1) {
          type = type.substring(0, type.length() - 2) + "...";
        }
        params.add(type + " " + ps.get(i).getSimpleName());
      }
      sb.append('(').append(String.join(", ", params)).append(')');
      if (!e.getThrownTypes().isEmpty()) {
        sb.append(" throws ");
        sb.append(
            e.getThrownTypes().stream().map(ApiSummary::simple).collect(Collectors.joining(", ")));
      }
      return sb.toString();
    }

    private static String modifiers(Element e) {
      StringBuilder sb = new StringBuilder();
      boolean inInterface = e.getEnclosingElement().getKind() == ElementKind.INTERFACE;
      for (Modifier m : e.getModifiers()) {
        boolean implied =
            (inInterface && (m == Modifier.PUBLIC || m == Modifier.ABSTRACT))
                || (e.getKind() == ElementKind.INTERFACE && m == Modifier.ABSTRACT)
                || (e.getKind() == ElementKind.RECORD && m == Modifier.FINAL)
                || (e.getKind() == ElementKind.ENUM && m == Modifier.FINAL)
                || ((e.getKind() == ElementKind.RECORD
                        || e.getKind() == ElementKind.ENUM
                        || e.getKind() == ElementKind.INTERFACE)
                    && m == Modifier.STATIC
                    && e.getEnclosingElement() instanceof TypeElement);
        if (!implied && m != Modifier.SYNCHRONIZED && m != Modifier.NATIVE) {
          sb.append(m).append(' ');
        }
      }
      return sb.toString();
    }

    private static String typeParameters(List<? extends TypeParameterElement> tps) {
      if (tps.isEmpty()) {
        return "";
      }
      return tps.stream()
          .map(
              tp -> {
                String bounds =
                    tp.getBounds().stream()
                        .filter(b -> !b.toString().equals("java.lang.Object"))
                        .map(ApiSummary::simple)
                        .collect(Collectors.joining(" & "));
                return tp.getSimpleName() + (bounds.isEmpty() ? "" : " extends " + bounds);
              })
          .collect(Collectors.joining(", ", "<", ">"));
    }
  }

  /** A type as a reader writes it: simple names, annotations dropped. */
  static String simple(TypeMirror t) {
    String s = t.toString().replaceAll("@[\\w.]+(\\([^)]*\\))? ", "");
    return QUALIFIER.matcher(s).replaceAll("");
  }
}
