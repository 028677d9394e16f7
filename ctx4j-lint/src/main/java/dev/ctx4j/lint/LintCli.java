package dev.ctx4j.lint;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code ctx4j lint} and {@code ctx4j graph} commands. Exit codes: 0 clean, 1 findings (lint
 * only), 2 usage or I/O error.
 */
public final class LintCli {
  private LintCli() {}

  /** Exit code when no finding was reported. */
  public static final int CLEAN = 0;

  /** Exit code when findings were reported. */
  public static final int FINDINGS = 1;

  /** Exit code for a bad command line or an unreadable path. */
  public static final int ERROR = 2;

  /** Runs {@code ctx4j lint} with {@code args}; returns the exit code. */
  public static int lint(String[] args, PrintStream out, PrintStream err) {
    return run(new LintCommand(), args, out, err);
  }

  /** Runs {@code ctx4j graph} with {@code args}; returns the exit code. */
  public static int graph(String[] args, PrintStream out, PrintStream err) {
    return run(new GraphCommand(), args, out, err);
  }

  private static int run(Base command, String[] args, PrintStream out, PrintStream err) {
    Objects.requireNonNull(args, "args");
    PrintWriter o = writer(out);
    PrintWriter e = writer(err);
    command.out = o;
    command.err = e;
    CommandLine cl = new CommandLine(command).setOut(o).setErr(e);
    cl.setExitCodeExceptionMapper(t -> ERROR);
    try {
      return cl.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  private static PrintWriter writer(PrintStream s) {
    Objects.requireNonNull(s, "stream");
    return new PrintWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), false);
  }

  /** What both commands share: paths, error handling. */
  abstract static class Base implements Callable<Integer> {
    PrintWriter out;
    PrintWriter err;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Java files or directories.")
    List<Path> paths = new ArrayList<>();

    @Override
    public final Integer call() {
      try {
        Integer early = beforeLoad();
        if (early != null) {
          return early;
        }
        if (paths.isEmpty()) {
          err.println("ctx4j: Missing required parameter: 'PATH'");
          return ERROR;
        }
        return execute(Project.load(paths));
      } catch (NoSuchFileException e) {
        err.println("ctx4j: no such file or directory: " + e.getFile());
        return ERROR;
      } catch (IOException | UncheckedIOException e) {
        err.println("ctx4j: cannot read: " + e.getMessage());
        return ERROR;
      } catch (IllegalArgumentException e) {
        err.println("ctx4j: " + e.getMessage());
        return ERROR;
      }
    }

    abstract int execute(Project project) throws IOException;

    /** An exit code when the command needs no paths, or null to load them. */
    Integer beforeLoad() throws IOException {
      return null;
    }
  }

  /** Text, JSON or SARIF. */
  enum LintFormat {
    text,
    json,
    sarif
  }

  @Command(
      name = "ctx4j lint",
      version = "ctx4j lint 0.1.0",
      mixinStandardHelpOptions = true,
      description = {
        "Finds lost cancels, broken chains, contexts in fields, blocking calls that ignore the"
            + " context, fat contexts and keys made per call.",
        "Exit code: 0 clean, 1 findings, 2 usage or I/O error.",
        "Suppress one with @SuppressWarnings(\"ctx4j:<check-id>\") on the enclosing declaration."
      })
  static final class LintCommand extends Base {
    @Option(
        names = "--format",
        defaultValue = "text",
        description = "text, json or sarif (default: ${DEFAULT-VALUE}).")
    LintFormat format = LintFormat.text;

    @Option(
        names = "--checks",
        split = ",",
        paramLabel = "ID",
        description =
            "Only these checks: lost-cancel, broken-chain, context-in-field,"
                + " blocking-without-context, fat-context, key-per-call, parse-error.")
    List<String> checks = new ArrayList<>();

    @Option(
        names = "--self-test",
        description =
            "Runs every check on the corpus shipped with ctx4j lint and prints precision and"
                + " recall per check; exit code 0 when every check meets 95 % / 90 %.")
    boolean selfTest;

    @Override
    Integer beforeLoad() throws IOException {
      if (!selfTest) {
        return null;
      }
      if (!paths.isEmpty()) {
        err.println("ctx4j: --self-test takes no PATH");
        return ERROR;
      }
      SelfTest.Result r = SelfTest.run();
      r.print(out);
      return r.meetsGoal() ? CLEAN : FINDINGS;
    }

    @Override
    int execute(Project project) {
      List<Finding> findings = Checks.run(project, Checks.select(checks));
      switch (format) {
        case text -> Reports.text(findings, out);
        case json -> Reports.json(findings, out);
        case sarif -> Reports.sarif(findings, out);
      }
      return findings.isEmpty() ? CLEAN : FINDINGS;
    }

    @Override
    public String toString() {
      return "lint " + paths;
    }
  }

  /** DOT, Mermaid, HTML or JSON. */
  enum GraphFormat {
    dot,
    mermaid,
    html,
    json
  }

  @Command(
      name = "ctx4j graph",
      version = "ctx4j graph 0.1.0",
      mixinStandardHelpOptions = true,
      description = {
        "Draws the call graph restricted to what touches contexts: edges passed, derived (with"
            + " the timeout) or dropped; broken edges and fresh roots in red.",
        "Exit code: 0 drawn, 2 usage or I/O error."
      })
  static final class GraphCommand extends Base {
    @Option(
        names = "--format",
        defaultValue = "mermaid",
        description = "dot, mermaid, html or json (default: ${DEFAULT-VALUE}).")
    GraphFormat format = GraphFormat.mermaid;

    @Option(
        names = "--focus",
        paramLabel = "Class#method",
        description = "Only what reaches this method or is reached from it.")
    String focus;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write here instead of standard output.")
    Path output;

    @Override
    int execute(Project project) throws IOException {
      Graph g = Graph.of(project, focus);
      if (output == null) {
        render(g, out);
        return CLEAN;
      }
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
          PrintWriter pw = new PrintWriter(w)) {
        render(g, pw);
      }
      err.println("ctx4j: wrote " + output);
      return CLEAN;
    }

    private void render(Graph g, PrintWriter w) {
      switch (format) {
        case dot -> g.dot(w);
        case mermaid -> g.mermaid(w);
        case html -> g.html(w);
        case json -> g.json(w);
      }
    }

    @Override
    public String toString() {
      return "graph " + paths;
    }
  }
}
