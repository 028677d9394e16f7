package dev.ctx4j.cli;

import dev.ctx4j.lint.LintCli;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ctx4j lint} (exit 0 clean, 1 findings, 2 usage or I/O error) and {@code ctx4j graph} (exit
 * 0 drawn, 2 usage or I/O error). Their options are parsed by ctx4j-lint's own picocli commands,
 * which this one hands every argument to.
 */
@Command
final class LintCommand implements Callable<Integer> {
  private final boolean graph;
  private final PrintStream out;
  private final PrintStream err;

  @Unmatched List<String> args = new ArrayList<>();

  private LintCommand(boolean graph, PrintStream out, PrintStream err) {
    this.graph = graph;
    this.out = out;
    this.err = err;
  }

  /** The {@code lint} subcommand. */
  static CommandLine lint(PrintStream out, PrintStream err) {
    return command(
        new LintCommand(false, out, err),
        "Find broken chains: lost cancels, contexts in fields, blocking calls (options:"
            + " ctx4j lint --help).");
  }

  /** The {@code graph} subcommand. */
  static CommandLine graph(PrintStream out, PrintStream err) {
    return command(
        new LintCommand(true, out, err),
        "Draw the context flow as DOT, Mermaid, HTML or JSON (options: ctx4j graph --help).");
  }

  private static CommandLine command(LintCommand c, String description) {
    CommandLine cl = new CommandLine(c);
    cl.getCommandSpec().usageMessage().description(description);
    return cl;
  }

  @Override
  public Integer call() {
    String[] a = args.toArray(String[]::new);
    return graph ? LintCli.graph(a, out, err) : LintCli.lint(a, out, err);
  }
}
