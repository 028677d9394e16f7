package dev.ctx4j.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code ctx4j} command: one picocli parser for every subcommand, {@code --help}
 * on each, usage errors that name the bad argument (exit code 2), and a shell-completion script
 * ({@code ctx4j completion}).
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the subcommand and its arguments
   * @throws Exception when a subcommand fails unexpectedly
   */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one subcommand; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    CommandLine cl = commandLine(out, err);
    if (args.length == 0 || List.of("help", "--help", "-h").contains(args[0])) {
      usage(out);
      return 0;
    }
    try {
      CommandLine.ParseResult parsed = cl.parseArgs(args);
      CommandLine.ParseResult leaf = parsed;
      while (leaf.hasSubcommand()) {
        leaf = leaf.subcommand();
      }
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      if (!parsed.hasSubcommand()) {
        usage(err);
        return 2;
      }
      Object command = leaf.commandSpec().userObject();
      @SuppressWarnings("unchecked")
      Callable<Integer> callable = (Callable<Integer>) command;
      return callable.call();
    } catch (ParameterException e) {
      return usageError(e, err);
    }
  }

  /** The parser: the top command and every subcommand, writing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new Top());
    cl.addSubcommand("demo", new DemoCommand(out));
    cl.addSubcommand("trace", new TraceCommand(out, err));
    cl.addSubcommand("bench", new BenchCommand(out, err));
    cl.addSubcommand("lint", LintCommand.lint(out, err));
    cl.addSubcommand("graph", LintCommand.graph(out, err));
    cl.addSubcommand("completion", new Completion(out));
    cl.setOut(writer(out));
    cl.setErr(writer(err));
    return cl;
  }

  private static PrintWriter writer(PrintStream s) {
    return new PrintWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), true);
  }

  /** Prints what was wrong, naming the argument, and where to find help; returns 2. */
  private static int usageError(ParameterException e, PrintStream err) {
    CommandLine where = e.getCommandLine();
    String name = where.getCommandSpec().qualifiedName();
    if (where.getParent() == null && e instanceof CommandLine.UnmatchedArgumentException u) {
      err.println("ctx4j: unknown command '" + u.getUnmatched().get(0) + "'");
      usage(err);
      return 2;
    }
    err.println(name + ": " + message(e) + " (try '" + name + " --help')");
    return 2;
  }

  private static String message(ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return "unknown argument '" + u.getUnmatched().get(0) + "'";
    }
    if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec missing = m.getMissing().get(0);
      return missing instanceof OptionSpec o
          ? o.longestName() + " needs a value (" + o.paramLabel() + ")"
          : "missing " + missing.paramLabel();
    }
    return e.getMessage();
  }

  static void usage(PrintStream out) {
    out.println("usage: ctx4j <command> [args]   (ctx4j <command> --help for its options)");
    out.println();
    out.println(
        "  demo    the showcase: three services, five scenarios, every propagation chain drawn");
    out.println(
        "  trace   FILE.jfr [--format text|mermaid|dot|html]: propagation chains of a recording");
    out.println("  bench   benchmarks: ctx4j next to grpc-java and Go 1.19, one table (--full)");
    out.println("  lint    find broken chains: lint [--format text|json|sarif] PATH...");
    out.println("  graph   draw the context flow: graph [--format dot|mermaid|html|json] PATH...");
    out.println("  completion  a bash/zsh completion script: source <(./ctx4j completion)");
    out.println("  test    every test of every module (what CI runs)");
    out.println("  help    this list");
  }

  /** The top command: only dispatches (and {@code --version}). */
  @Command(name = "ctx4j", version = "ctx4j 0.1.0", description = "Go's context for Java.")
  static final class Top {
    @Option(
        names = {"-V", "--version"},
        versionHelp = true,
        description = "Print the version and exit.")
    boolean version;
  }

  /** {@code ctx4j completion}: prints a bash (and zsh) completion script for every subcommand. */
  @Command(
      name = "completion",
      mixinStandardHelpOptions = true,
      description = {
        "Print a bash/zsh completion script for ctx4j.",
        "Use: source <(./ctx4j completion), with the launcher on PATH as ctx4j."
      })
  static final class Completion implements Callable<Integer> {
    private final PrintStream out;

    @Spec CommandLine.Model.CommandSpec spec;

    Completion(PrintStream out) {
      this.out = out;
    }

    @Override
    public Integer call() {
      out.print(AutoComplete.bash("ctx4j", spec.root().commandLine()));
      return 0;
    }
  }
}
