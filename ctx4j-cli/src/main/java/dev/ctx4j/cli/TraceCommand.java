package dev.ctx4j.cli;

import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.JfrChains;
import dev.ctx4j.observe.Render;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code ctx4j trace FILE.jfr... [--all] [--format text|mermaid|dot|html|json]}: the propagation
 * chains of flight recordings made with tracing on ({@code -Dctx4j.trace=on}, {@code jcmd <pid>
 * JFR.start}). Several files (one per service) are merged: a chain a request caused in another
 * process joins the chain that sent it. {@code --all} lists routine ends too.
 */
final class TraceCommand {
  private TraceCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> files = new java.util.ArrayList<>();
    String format = "text";
    boolean all = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--format") && i + 1 < args.length) {
        format = args[++i];
      } else if (a.startsWith("--format=")) {
        format = a.substring("--format=".length());
      } else if (a.equals("--all")) {
        all = true;
      } else if (a.startsWith("-")) {
        err.println("ctx4j trace: unexpected argument '" + a + "'");
        usage(err);
        return 2;
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      usage(err);
      return 2;
    }
    if (!List.of("text", "mermaid", "dot", "html", "json").contains(format)) {
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
          case "json" -> Render.chainsJson(chains) + "\n";
          default -> Render.chainsText(chains);
        });
    return 0;
  }

  static void usage(PrintStream out) {
    out.println("usage: ctx4j trace FILE.jfr... [--all] [--format text|mermaid|dot|html|json]");
  }
}
