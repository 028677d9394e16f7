package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of the README compiles against the project's modules.
 *
 * <p>A block's leading {@code import} lines stay at the top; the rest is wrapped in {@code class
 * SampleN { void run() throws Exception { ... } }} unless the block declares its own top-level
 * type. {@code dev.ctx4j.*}, {@code java.time.*} and {@code java.util.concurrent.*} are imported
 * for every block.
 */
class ReadmeSamplesTest {
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```java\\s*\\n(.*?)^```");
  private static final Pattern TOP_LEVEL_TYPE =
      Pattern.compile(
          "(?m)^(?:public |final |abstract |sealed )*(?:class|record|interface|enum) (\\w+)");
  private static final String DEFAULT_IMPORTS =
      "import dev.ctx4j.*;\nimport java.time.*;\nimport java.util.concurrent.*;\n";

  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** Turns one README block into a compilation unit named {@code name} (or its own type's name). */
  static JavaFileObject unit(String block, String name) {
    StringBuilder imports = new StringBuilder(DEFAULT_IMPORTS);
    StringBuilder body = new StringBuilder();
    boolean leading = true;
    for (String line : block.split("\n", -1)) {
      if (leading && (line.startsWith("import ") || line.isBlank())) {
        imports.append(line).append('\n');
      } else {
        leading = false;
        body.append(line).append('\n');
      }
    }
    Matcher type = TOP_LEVEL_TYPE.matcher(body);
    String source;
    String className;
    if (type.find()) {
      className = type.group(1);
      source = imports + body.toString();
    } else {
      className = name;
      source =
          imports
              + "@SuppressWarnings(\"unused\") class "
              + name
              + " {\n  void run() throws Exception {\n"
              + body
              + "  }\n}\n";
    }
    return new SimpleJavaFileObject(
        URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
  }

  @Test
  void readme_everyJavaBlock_compiles() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    List<String> blocks = javaBlocks(readme);
    assertTrue(!blocks.isEmpty(), "README has no java samples to check");
    assertEquals(readme.split("```java", -1).length - 1, blocks.size(), "unterminated java block");
    List<JavaFileObject> units = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      units.add(unit(blocks.get(i), "Sample" + i));
    }
    Path out = Files.createDirectories(Path.of("target", "readme-samples"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter log = new StringWriter();
    boolean ok =
        javac
            .getTask(
                log,
                null,
                diagnostics,
                List.of(
                    "--release",
                    "21",
                    "-proc:none",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-d",
                    out.toString()),
                null,
                units)
            .call();
    assertTrue(ok, () -> "README samples do not compile:\n" + diagnostics.getDiagnostics() + log);
  }

  @Test
  void unit_wrapsStatementsButKeepsDeclaredTypes() throws IOException {
    JavaFileObject wrapped = unit("import java.util.List;\nint x = 1;\n", "SampleX");
    assertTrue(wrapped.getCharContent(true).toString().contains("class SampleX {"));
    assertTrue(wrapped.getCharContent(true).toString().contains("import java.util.List;"));
    JavaFileObject declared = unit("final class Own { }\n", "SampleY");
    assertEquals("/Own.java", declared.toUri().getPath());
  }
}
