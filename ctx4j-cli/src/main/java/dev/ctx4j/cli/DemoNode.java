package dev.ctx4j.cli;

import dev.ctx4j.cli.DemoServices.Event;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import jdk.jfr.Recording;

/**
 * One service of {@code ctx4j demo --processes}, in its own JVM started by {@link DemoProcesses}
 * with tracing on: {@code DemoNode <gateway|orders|inventory> <jdbc url> <recording.jfr>}. It
 * records the ctx4j events with JFR and speaks a line protocol: it prints {@code ready}, then each
 * event of the service as it happens, on standard output; it reads commands on standard input
 * ({@code peers}, {@code stop}, {@code dump}, {@code exit}) and answers each with {@code done}.
 * Standard input closing ends it as {@code exit} does.
 */
final class DemoNode {
  /** The first field of every protocol line a node prints. */
  static final String TAG = "ctx4j-node";

  /** The events a node records: what {@link dev.ctx4j.observe.JfrChains} reads back. */
  static final List<String> EVENTS = List.of("ctx4j.Cancel", "ctx4j.Hop", "ctx4j.RequestSent");

  private DemoNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !DemoProcesses.ROLES.contains(args[0])) {
      System.err.println("usage: DemoNode <gateway|orders|inventory> <jdbc url> <recording.jfr>");
      System.exit(2);
    }
    String role = args[0];
    Path file = Path.of(args[2]);
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // whatever else prints keeps out of the protocol
    try (Recording recording = new Recording()) {
      recording.setName("ctx4j-demo-" + role);
      for (String event : EVENTS) {
        recording.enable(event);
      }
      recording.start();
      try (DemoServices services =
          new DemoServices(Set.of(role), args[1], e -> event(protocol, e))) {
        say(protocol, "ready", services.localUri().toString());
        serve(protocol, services, recording, file);
        // Written before the servers stop: stopping them ends their lifetime contexts, and those
        // ends are no part of the demo.
        recording.dump(file);
      }
    }
    say(protocol, "bye");
    System.exit(0); // the HTTP client's and the pool's threads would keep the JVM up a while
  }

  /** Answers commands until {@code exit} or the end of standard input. */
  private static void serve(
      PrintStream protocol, DemoServices services, Recording recording, Path file)
      throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.split("\t", -1);
      String id = f[0];
      String command = f.length > 1 ? f[1] : "";
      switch (command) {
        case "peers" -> services.peers(uri(f[2]), uri(f[3]));
        case "stop" -> services.stopOrders();
        case "dump" -> recording.dump(file);
        case "exit" -> {
          return;
        }
        default -> System.err.println("DemoNode: unknown command " + line);
      }
      say(protocol, "done", id);
    }
  }

  private static URI uri(String s) {
    return s.isEmpty() ? null : URI.create(s);
  }

  private static void event(PrintStream protocol, Event e) {
    say(
        protocol,
        "event",
        Long.toString(micros(e.at())),
        e.service(),
        e.what().replace('\t', ' ').replace('\n', ' ').replace('\r', ' '));
  }

  private static void say(PrintStream protocol, String... fields) {
    synchronized (protocol) {
      protocol.println(TAG + "\t" + String.join("\t", fields));
    }
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static Instant instant(long epochMicros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
  }
}
