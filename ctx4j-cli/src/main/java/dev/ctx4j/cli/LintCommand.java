package dev.ctx4j.cli;

import dev.ctx4j.lint.LintCli;
import java.io.PrintStream;

/** {@code ctx4j lint}: finds broken chains; exit 0 clean, 1 findings, 2 usage or I/O error. */
final class LintCommand {
  private LintCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    return LintCli.lint(args, out, err);
  }
}
