package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One parser for every subcommand: help, errors naming the argument, completion. */
class MainTest {
  record Result(int code, String out, String err) {}

  private static Result run(String... args) throws Exception {
    String[] r = TraceCommandTest.run(args);
    return new Result(Integer.parseInt(r[0]), r[1], r[2]);
  }

  @Test
  void help_onEverySubcommand_exitsZeroAndListsItsOptions() throws Exception {
    Result bench = run("bench", "--help");
    assertEquals(0, bench.code(), bench.err());
    for (String option : List.of("--full", "--only=REGEX", "--no-go", "--no-write")) {
      assertTrue(bench.out().contains(option), bench.out());
    }
    Result trace = run("trace", "--help");
    assertEquals(0, trace.code(), trace.err());
    assertTrue(trace.out().contains("FILE.jfr") && trace.out().contains("--format"), trace.out());
    Result demo = run("demo", "--help");
    assertEquals(0, demo.code(), demo.err());
    assertTrue(demo.out().contains("usage: ctx4j demo"), demo.out());
    Result lint = run("lint", "--help");
    assertEquals(0, lint.code(), lint.err());
    assertTrue(lint.out().contains("--format"), lint.out());
    Result top = run("--help");
    assertEquals(0, top.code());
    assertTrue(top.out().contains("completion"), top.out());
  }

  @Test
  void badArguments_exit2_andNameTheArgument() throws Exception {
    Result unknown = run("bench", "--fast");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("ctx4j bench: unknown argument '--fast'"), unknown.err());
    assertTrue(unknown.err().contains("ctx4j bench --help"), unknown.err());
    Result noValue = run("bench", "--only");
    assertEquals(2, noValue.code());
    assertTrue(noValue.err().contains("--only needs a value (REGEX)"), noValue.err());
    Result badRegex = run("bench", "--only", "(");
    assertEquals(2, badRegex.code());
    assertTrue(badRegex.err().contains("--only is not a regular expression"), badRegex.err());
    Result noFile = run("trace");
    assertEquals(2, noFile.code());
    assertTrue(noFile.err().contains("FILE.jfr"), noFile.err());
    Result missing = run("trace", "a.jfr", "b.jfr"); // several recordings merge; these are absent
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no such file: a.jfr"), missing.err());
    Result demoHtml = run("demo", "--html");
    assertEquals(2, demoHtml.code());
    assertTrue(demoHtml.err().contains("--html needs a value (FILE)"), demoHtml.err());
  }

  @Test
  void demoOptions_reachDemoAsItsOwnArguments() {
    DemoCommand demo = new DemoCommand(System.out);
    new CommandLine(demo).parseArgs("--serve", "--db", "jdbc:h2:mem:x", "--html=a.html");
    assertEquals(List.of("--db", "jdbc:h2:mem:x", "--html", "a.html", "--serve"), demo.arguments());
  }

  @Test
  void completion_isABashScriptCoveringEverySubcommandAndOption() throws Exception {
    Result r = run("completion");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 80));
    for (String word :
        List.of("complete -F _complete_ctx4j", "demo", "trace", "bench", "lint", "--no-write")) {
      assertTrue(r.out().contains(word), "completion lacks " + word);
    }
    assertTrue(
        r.out().lines().anyMatch(l -> l.contains("mermaid") && l.contains("json")),
        "trace --format candidates");
  }
}
