package dev.ctx4j.cli;

import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.JfrChains;
import dev.ctx4j.observe.Render;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ctx4j trace FILE.jfr... [--all] [--format text|mermaid|dot|html|json]}: the propagation
 * chains of flight recordings made with tracing on ({@code -Dctx4j.trace=on}, {@code jcmd <pid>
 * JFR.start}); recordings of several services are merged into one chain per propagation. JSON is
 * {@code {"chains":[...]}}, each chain in the form of {@code target/ctx4j-demo.json}.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description =
        "The propagation chains of flight recordings made with -Dctx4j.trace=on; the recordings"
            + " of several services are merged into one chain per propagation.")
final class TraceCommand implements Callable<Integer> {
  private static final List<String> FORMATS = List.of("text", "mermaid", "dot", "html", "json");

  /** The formats, for the completion script. */
  static final class Formats implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return FORMATS.iterator();
    }
  }

  private final PrintStream out;
  private final PrintStream err;

  @Parameters(arity = "1..*", paramLabel = "FILE.jfr", description = "JFR recordings to merge.")
  List<String> files;

  @Option(names = "--all", description = "Also list routine ends (scopes that finished normally).")
  boolean all;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      completionCandidates = Formats.class,
      description = "text, mermaid, dot, html or json (default: ${DEFAULT-VALUE}).")
  String format = "text";

  TraceCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (!FORMATS.contains(format)) {
      err.println(
          "ctx4j trace: --format must be text, mermaid, dot, html or json, not '" + format + "'");
      return 2;
    }
    List<Path> paths = new java.util.ArrayList<>();
    for (String file : files) {
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        err.println("ctx4j trace: no such file: " + file);
        return 1;
      }
      paths.add(path);
    }
    List<ContextTree.Chain> chains;
    try {
      chains = JfrChains.read(paths, all);
    } catch (IOException e) {
      err.println("ctx4j trace: cannot read " + files + " as flight recordings: " + e.getMessage());
      return 1;
    }
    if (chains.isEmpty() && format.equals("text")) {
      out.println(
          "no propagation chain in "
              + String.join(", ", files)
              + (all ? "" : " (routine ends are listed with --all)")
              + " (was the program run with -Dctx4j.trace=on while recording?)");
      return 0;
    }
    ContextTree.Snapshot s = new ContextTree.Snapshot(Instant.now(), List.of(), 0, 0, chains);
    out.print(
        switch (format) {
          case "mermaid" -> Render.mermaid(s);
          case "dot" -> Render.dot(s);
          case "html" -> Render.html(s);
          case "json" -> DemoJson.chains(chains);
          default -> Render.chainsText(chains);
        });
    return 0;
  }
}
