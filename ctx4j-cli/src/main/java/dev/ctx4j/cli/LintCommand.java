package dev.ctx4j.cli;

import dev.ctx4j.lint.LintCli;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ctx4j lint}: finds broken chains; exit 0 clean, 1 findings, 2 usage or I/O error. Its
 * options are parsed by ctx4j-lint's own picocli command, which this one hands every argument to.
 */
@Command(
    name = "lint",
    description =
        "Find broken chains: lost cancels, contexts in fields, blocking calls (its options: ctx4j lint --help).")
final class LintCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Unmatched List<String> args = new ArrayList<>();

  LintCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    return LintCli.lint(args.toArray(String[]::new), out, err);
  }
}
