package dev.ctx4j.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** Entry point of the {@code ctx4j} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one subcommand; returns the process exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    return switch (command) {
      case "demo" -> Demo.run(rest, out);
      case "trace" -> TraceCommand.run(rest, out, err);
      case "bench" -> BenchCommand.run(rest, out, err);
      case "lint" -> LintCommand.run(rest, out, err);
      case "graph" -> GraphCommand.run(rest, out, err);
      case "help", "--help", "-h" -> {
        usage(out);
        yield 0;
      }
      default -> {
        err.println("ctx4j: unknown command '" + command + "'");
        usage(err);
        yield 2;
      }
    };
  }

  static void usage(PrintStream out) {
    out.println("usage: ctx4j <command> [args]");
    out.println();
    out.println(
        "  demo    the showcase: three services, five scenarios, every propagation chain drawn");
    out.println(
        "  trace   FILE.jfr [--format text|mermaid|dot|html]: propagation chains of a recording");
    out.println("  bench   benchmarks: ctx4j next to grpc-java and Go 1.19, one table (--full)");
    out.println("  lint    find broken chains: lint [--format text|json|sarif] PATH...");
    out.println("  graph   draw the context flow: graph [--format dot|mermaid|html|json] PATH...");
    out.println("  test    every test of every module (what CI runs)");
    out.println("  help    this list");
  }
}
