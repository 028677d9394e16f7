package dev.ctx4j.cli;

import dev.ctx4j.lint.LintCli;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ctx4j graph}: draws the context flow; exit 0 drawn, 2 usage or I/O error. Its options are
 * parsed by ctx4j-lint's own picocli command, which this one hands every argument to.
 */
@Command(name = "graph", description = "Draw the context flow (its options: ctx4j graph --help).")
final class GraphCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Unmatched List<String> args = new ArrayList<>();

  GraphCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    return LintCli.graph(args.toArray(String[]::new), out, err);
  }
}
