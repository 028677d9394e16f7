package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The README section "Fan-out with TaskGroup", kept here verbatim: its {@code java} block compiles
 * under the README rule (leading imports stay on top, the rest goes inside {@code class Sample {
 * void run() throws Exception { ... } }}) with {@code --release 21}, and it runs.
 */
class TaskGroupReadmeTest {
  static final String SECTION =
      """
      ## Fan-out with TaskGroup

      `TaskGroup` is Go's `errgroup`: each `fork` runs on a virtual thread with the group's context as
      `Context.current()`; the first failure cancels and interrupts the rest; `join()` waits for all.
      (`ContextExecutors.wrap` carries `current()` into other pools; `Futures` bridges to futures.)

      ```java
      import dev.ctx4j.*;
      import java.time.Duration;
      import java.util.*;
      import java.util.concurrent.Future;
      try (CancellableContext request = Context.background().withTimeout(Duration.ofSeconds(2));
          TaskGroup group = TaskGroup.open(request, 8)) { // at most 8 tasks at once
        List<Future<Integer>> quotes = new ArrayList<>();
        for (String supplier : List.of("acme", "globex", "initech")) {
          quotes.add(group.fork(ctx -> {
            ctx.sleep(Duration.ofMillis(20)); // stands in for I/O; throws once ctx is done
            return supplier.length();
          }));
        }
        group.join(); // waits for every task; ExecutionException carries the first failure
        for (Future<Integer> quote : quotes) System.out.println(quote.resultNow());
      } // close(): cancels and waits, so no task outlives the block, even if join() threw
      ```
      """;

  private static final Pattern BLOCK = Pattern.compile("(?ms)^```java\\s*\\n(.*?)^```");

  static String wrap(String block) {
    StringBuilder imports = new StringBuilder();
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
    return imports + "class Sample {\n  void run() throws Exception {\n" + body + "  }\n}\n";
  }

  @Test
  void readmeSection_isAtMost25Lines_withOneJavaBlock() {
    assertTrue(SECTION.strip().lines().count() <= 25, "section too long");
    Matcher m = BLOCK.matcher(SECTION);
    assertTrue(m.find());
    assertTrue(!m.find(), "exactly one java block");
  }

  @Test
  void readmeExample_compilesUnderTheReadmeRule_andRuns() throws Exception {
    Matcher m = BLOCK.matcher(SECTION);
    assertTrue(m.find());
    String source = wrap(m.group(1));
    Path dir = Path.of("target", "taskgroup-readme");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path file = Files.createDirectories(dir.resolve("src")).resolve("Sample.java");
    Files.writeString(file, source);
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    StringWriter log = new StringWriter();
    int status =
        javac.run(
            new PrintWriter(log),
            new PrintWriter(log),
            "--release",
            "21",
            "-proc:none",
            "-cp",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            file.toString());
    assertEquals(0, status, () -> "does not compile:\n" + source + log);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> sample = loader.loadClass("Sample");
      var ctor = sample.getDeclaredConstructor();
      ctor.setAccessible(true);
      var run = sample.getDeclaredMethod("run");
      run.setAccessible(true);
      run.invoke(ctor.newInstance()); // throws if the example fails at run time
    }
  }
}
