package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.Demo.Outcome;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.JfrChains;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stitching across JVMs: {@code demo --processes} runs gateway, orders and inventory as three
 * processes started from this test's class path, each recording JFR to its own file; the chains
 * come from the merged files. Each scenario's one chain crosses the three processes and ends with
 * the query stopped in the database lane; no single recording holds more than its own service.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DemoProcessesTest {
  private static final List<String> STOPPING =
      List.of(
          "client hangs up",
          "deadline in the database",
          "fan-out, one branch fails",
          "shutdown in flight");

  private static Map<String, Outcome> outcomes;
  private static String printed;
  private static Path json;
  private static List<Path> recordings;

  @BeforeAll
  static void runTheDemoAsThreeProcesses(@TempDir Path dir) throws Exception {
    json = dir.resolve("demo.json");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Outcome> list;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      list =
          Demo.runProcesses(
              out, "jdbc:h2:mem:ctx4j-demo;DB_CLOSE_DELAY=-1", dir.resolve("demo.html"), json);
    }
    printed = bytes.toString(StandardCharsets.UTF_8);
    outcomes = list.stream().collect(Collectors.toMap(Outcome::name, Function.identity()));
    recordings =
        DemoProcesses.ROLES.stream()
            .map(r -> dir.resolve("ctx4j-demo").resolve(r + ".jfr"))
            .toList();
  }

  @Test
  void everyScenario_oneChainAcrossTheThreeProcesses_endingWithTheQueryStopped() {
    assertEquals(5, outcomes.size(), printed);
    for (String scenario : STOPPING) {
      Outcome o = outcomes.get(scenario);
      assertTrue(o.workStopped(), scenario + "\n" + printed);
      assertEquals(1, o.chains().size(), scenario + ": exactly one chain\n" + printed);
      Chain c = o.chains().get(0);
      assertEquals(
          List.of("gateway", "orders", "inventory"), c.services(), scenario + "\n" + printed);
      Hop last = c.hops().stream().max(Comparator.comparingLong(Hop::offsetNanos)).orElseThrow();
      assertEquals("database", last.service(), scenario + "\n" + printed);
      assertEquals("query stopped", last.kind(), scenario + "\n" + printed);
      assertEquals("GET /checkout", c.request(), scenario);
      for (Hop h : c.hops()) {
        assertFalse(h.thread().isBlank(), scenario + ": a hop without a thread " + h);
      }
    }
    assertEquals("client hung up", outcomes.get("client hangs up").chains().get(0).what());
    assertEquals("server stopped", outcomes.get("shutdown in flight").chains().get(0).what());
    assertEquals(List.of(), outcomes.get("normal request").chains(), printed);
  }

  @Test
  void eachRecording_alone_holdsOnlyItsOwnService() throws Exception {
    for (Path file : recordings) {
      String service = file.getFileName().toString().replace(".jfr", "");
      assertTrue(Files.size(file) > 0, file.toString());
      List<Chain> alone = JfrChains.read(List.of(file), false);
      assertFalse(alone.isEmpty(), service + " recorded no chain");
      for (Chain c : alone) {
        assertEquals(List.of(service), c.services(), service + ": " + c);
      }
    }
  }

  @Test
  void traceOnTheThreeFiles_reproducesTheFourChains_inEveryFormat() throws Exception {
    String[] files = recordings.stream().map(Path::toString).toArray(String[]::new);
    String[] text = TraceCommandTest.run(concat(files, "--format", "text"));
    assertEquals("0", text[0], text[2]);
    for (String what :
        List.of(
            "client hung up · gateway GET /checkout",
            "deadline exceeded · gateway GET /checkout",
            "unknown sku nosuch · gateway GET /checkout",
            "server stopped · gateway GET /checkout")) {
      assertEquals(1, count(text[1], what), what + "\n" + text[1]);
    }
    assertEquals(4, count(text[1], "\n#") + (text[1].startsWith("#") ? 1 : 0), text[1]);
    String[] asJson = TraceCommandTest.run(concat(files, "--format", "json"));
    assertEquals("0", asJson[0], asJson[2]);
    assertEquals(4, count(asJson[1], "\"workStoppedMicros\""), asJson[1]);
    for (String scenario : STOPPING) {
      StringBuilder chain = new StringBuilder();
      DemoJson.chain(chain, outcomes.get(scenario).chains().get(0));
      assertTrue(
          asJson[1].contains(chain),
          scenario + ": the chain the demo printed, exactly\n" + chain + "\n" + asJson[1]);
    }
    assertTrue(
        TraceCommandTest.run(concat(files, "--format", "mermaid"))[1].startsWith("flowchart"));
    assertTrue(TraceCommandTest.run(concat(files, "--format", "dot"))[1].startsWith("digraph"));
    assertTrue(TraceCommandTest.run(concat(files, "--format", "html"))[1].contains("<svg"));
  }

  @Test
  void theJsonFile_thePicture_andThePrintedRun_areThoseOfTheInProcessDemo() throws Exception {
    String doc = Files.readString(json);
    assertTrue(doc.startsWith("{\"scenarios\":["), doc);
    assertEquals(
        5,
        count(doc, "\"service\":\"database\",\"kind\":\"query stopped\""),
        "one stopped query per scenario, two in the fan-out\n" + doc);
    for (String name : outcomes.keySet()) {
      assertTrue(doc.contains("{\"name\":\"" + name + "\""), name);
    }
    String page = Files.readString(json.resolveSibling("demo.html"));
    for (String lane : List.of("gateway", "orders", "inventory", "database")) {
      assertEquals(
          4, count(page, "data-lane=\"" + lane + "\""), "one " + lane + " lane per chain drawn");
    }
    assertTrue(printed.contains("━━ summary ━━"), printed);
    assertTrue(printed.contains("as three JVMs"), printed);
    assertTrue(printed.contains("trace gateway.jfr orders.jfr inventory.jfr"), printed);
  }

  @Test
  void childJvmOptions_onlyWhatTheRunningJdkKnows() {
    assertFalse(
        DemoProcesses.jvmOptions(21).stream().anyMatch(o -> o.startsWith("--sun-misc")),
        "JDK 21 refuses to start with --sun-misc-unsafe-memory-access");
    assertTrue(DemoProcesses.jvmOptions(25).contains("--sun-misc-unsafe-memory-access=allow"));
    List<String> cmd = DemoProcesses.command("orders", "jdbc:h2:mem:x", Path.of("o.jfr"));
    assertEquals(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        cmd.get(0),
        "the children run on this JVM's java binary");
    assertTrue(cmd.contains("-Dctx4j.trace=on"), cmd.toString());
  }

  @Test
  void processesWithServe_isRefused_exitCode2() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      assertEquals(2, Main.run(new String[] {"demo", "--processes", "--serve"}, out, out));
    }
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("--serve"), bytes.toString());
  }

  @Test
  void badDatabaseUrl_clearErrorNamingIt_exitCode1(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code =
          Main.run(
              new String[] {
                "demo",
                "--processes",
                "--db",
                "jdbc:nosuchdriver:x",
                "--json",
                dir.resolve("d.json").toString()
              },
              out,
              out);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, text);
    assertTrue(text.contains("ctx4j demo: the services did not start (inventory"), text);
    assertTrue(text.contains("jdbc:nosuchdriver:x"), text);
  }

  private static String[] concat(String[] files, String... more) {
    String[] all = new String[files.length + more.length + 1];
    all[0] = "trace";
    System.arraycopy(files, 0, all, 1, files.length);
    System.arraycopy(more, 0, all, 1 + files.length, more.length);
    return all;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}
