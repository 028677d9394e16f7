package dev.ctx4j.cli;

import dev.ctx4j.lint.LintCli;
import java.io.PrintStream;

/** {@code ctx4j graph}: draws the context flow; exit 0 drawn, 2 usage or I/O error. */
final class GraphCommand {
  private GraphCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    return LintCli.graph(args, out, err);
  }
}
