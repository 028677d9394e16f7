package dev.ctx4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctx4j demo}: picocli parses the options, then hands exactly those the user gave to {@link
 * Demo}'s own entry point, which keeps its defaults and its help text.
 */
@Command(name = "demo", description = "The showcase: three services, five scenarios.")
final class DemoCommand implements Callable<Integer> {
  private final PrintStream out;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description = "The inventory database (default: embedded H2).")
  String db;

  @Option(names = "--html", paramLabel = "FILE", description = "Where to write the picture.")
  String html;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Where to write the chains as JSON (default: target/ctx4j-demo.json).")
  String json;

  @Option(names = "--serve", description = "Keep the live debug page up until Ctrl-C.")
  boolean serve;

  @Option(
      names = "--processes",
      description =
          "Run the three services as three JVMs, each recording JFR; print the chains read back"
              + " from the merged recordings.")
  boolean processes;

  @Option(names = "--short", description = "Accepted for scripts.")
  boolean shortRun;

  @Option(
      names = {"-h", "--help"},
      description = "Show what the demo does and its options.")
  boolean help;

  DemoCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    return Demo.run(arguments().toArray(String[]::new), out);
  }

  /** The options given, as Demo's entry point reads them. */
  List<String> arguments() {
    List<String> args = new ArrayList<>();
    if (help) {
      args.add("--help");
    }
    if (db != null) {
      args.add("--db");
      args.add(db);
    }
    if (html != null) {
      args.add("--html");
      args.add(html);
    }
    if (json != null) {
      args.add("--json");
      args.add(json);
    }
    if (serve) {
      args.add("--serve");
    }
    if (processes) {
      args.add("--processes");
    }
    if (shortRun) {
      args.add("--short");
    }
    return args;
  }
}
