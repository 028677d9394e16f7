package dev.ctx4j.cli;

import dev.ctx4j.cli.DemoServices.Event;
import dev.ctx4j.observe.ContextTree;
import dev.ctx4j.observe.JfrChains;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ctx4j demo --processes}: gateway, orders and inventory as three JVMs ({@link DemoNode}),
 * started with the java binary and class path of this one and tracing on. Each records its chains
 * with JFR into {@code <dir>/<service>.jfr}; the chains the demo prints are read back from those
 * files, merged, exactly as {@code ctx4j trace} reads them.
 */
final class DemoProcesses implements DemoBackend {
  /** The services, in the order their recordings are listed (the path of a request). */
  static final List<String> ROLES =
      List.of(DemoServices.GATEWAY, DemoServices.ORDERS, DemoServices.INVENTORY);

  private static final long START_MILLIS = 60_000;
  private static final long COMMAND_MILLIS = 30_000;

  /** One child JVM. */
  private static final class Node {
    final String role;
    final Process process;
    final Writer in;
    final Path recording;
    final Path log;
    final CompletableFuture<URI> ready = new CompletableFuture<>();
    final BlockingQueue<String> done = new LinkedBlockingQueue<>();

    Node(String role, Process process, Path recording, Path log) {
      this.role = role;
      this.process = process;
      this.in = process.outputWriter(StandardCharsets.UTF_8);
      this.recording = recording;
      this.log = log;
    }
  }

  /** A service's JVM did not come up (a bad database URL, a JVM that would not start). */
  static final class NotStarted extends IOException {
    private static final long serialVersionUID = 1L;

    NotStarted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final List<Node> nodes = new ArrayList<>();
  private final DemoEvents events = new DemoEvents();
  private final AtomicLong commands = new AtomicLong();
  private volatile CountDownLatch queryStarted = new CountDownLatch(1);
  private volatile boolean exited;

  private DemoProcesses() {}

  /** Starts the three JVMs and waits until each serves; wires gateway → orders → inventory. */
  static DemoProcesses start(String db, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    DemoProcesses p = new DemoProcesses();
    try {
      for (String role : ROLES) {
        Path recording = dir.resolve(role + ".jfr");
        Path log = dir.resolve(role + ".log");
        Files.deleteIfExists(recording);
        ProcessBuilder pb =
            new ProcessBuilder(command(role, db, recording))
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()));
        Node n = new Node(role, pb.start(), recording, log);
        p.nodes.add(n);
        Thread.ofPlatform().daemon().name("ctx4j-demo-" + role + "-reader").start(() -> p.read(n));
      }
      for (Node n : p.nodes) {
        n.ready.get(START_MILLIS, TimeUnit.MILLISECONDS);
      }
      p.command(p.node(DemoServices.GATEWAY), "peers", "", p.uri(DemoServices.ORDERS));
      p.command(p.node(DemoServices.ORDERS), "peers", p.uri(DemoServices.INVENTORY), "");
      return p;
    } catch (Exception e) {
      p.close();
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      Throwable why = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new NotStarted(
          "the services did not start (" + why.getMessage() + "); their logs are in " + dir, e);
    }
  }

  /** The first line of {@code log} naming an exception, else where the log is. */
  private static String firstError(Path log) {
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains("Exception") || line.contains("Error")) {
          return line.strip();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // the log is only a hint
    }
    return "see " + log;
  }

  /**
   * The command line of one child: this JVM's java binary and class path, tracing on, and only the
   * options the running JDK knows.
   */
  static List<String> command(String role, String db, Path recording) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions(Runtime.version().feature()));
    cmd.add("-Dctx4j.trace=on");
    cmd.add("-Dctx4j.service=" + role);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DemoNode.class.getName());
    cmd.add(role);
    cmd.add(db);
    cmd.add(recording.toString());
    return cmd;
  }

  /**
   * JVM options for a child on a JDK of feature version {@code feature}: small and quick to start
   * (three JVMs share the machine with the client); options a JDK 21 does not know only for the
   * JDKs that know them (a JVM refuses to start with an option it does not know).
   */
  static List<String> jvmOptions(int feature) {
    List<String> opts =
        new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (feature >= 23) {
      opts.add("--sun-misc-unsafe-memory-access=allow");
    }
    return opts;
  }

  private Node node(String role) {
    return nodes.stream().filter(n -> n.role.equals(role)).findFirst().orElseThrow();
  }

  private String uri(String role) throws Exception {
    return node(role).ready.get().toString();
  }

  /** The recordings, gateway's first. */
  List<Path> recordings() {
    return nodes.stream().map(n -> n.recording).toList();
  }

  private void read(Node n) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(n.process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", -1);
        if (f.length < 2 || !f[0].equals(DemoNode.TAG)) {
          continue;
        }
        switch (f[1]) {
          case "ready" -> n.ready.complete(URI.create(f[2]));
          case "event" -> event(new Event(DemoNode.instant(Long.parseLong(f[2])), f[3], f[4]));
          case "done" -> n.done.add(f[2]);
          default -> {}
        }
      }
    } catch (IOException | RuntimeException e) {
      n.ready.completeExceptionally(e);
    }
    n.ready.completeExceptionally(
        new IOException(n.role + " exited before it served: " + firstError(n.log)));
    n.done.add("EOF");
  }

  private void event(Event e) {
    if (e.service().equals(DemoServices.INVENTORY)
        && e.what().startsWith("heavy query")
        && e.what().endsWith("started")) {
      queryStarted.countDown();
    }
    events.add(e);
  }

  /** Sends a command and waits for its answer. */
  private void command(Node n, String... fields) throws IOException, InterruptedException {
    awaitDone(n, post(n, fields));
  }

  /** Sends the same command to every node (they carry it out at once), then awaits each answer. */
  private void commandAll(String... fields) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (Node n : nodes) {
      ids.add(post(n, fields));
    }
    for (int i = 0; i < nodes.size(); i++) {
      awaitDone(nodes.get(i), ids.get(i));
    }
  }

  private String post(Node n, String... fields) throws IOException {
    String id = Long.toString(commands.incrementAndGet());
    synchronized (n) {
      n.in.write(id + "\t" + String.join("\t", fields) + "\n");
      n.in.flush();
    }
    return id;
  }

  private static void awaitDone(Node n, String id) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMMAND_MILLIS);
    while (true) {
      String got = n.done.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (got == null || got.equals("EOF")) {
        throw new IOException(n.role + " did not answer (log: " + n.log + ")");
      }
      if (got.equals(id)) {
        return;
      }
    }
  }

  @Override
  public URI gatewayUri() {
    return node(DemoServices.GATEWAY).ready.join();
  }

  @Override
  public CountDownLatch armQueryStarted() {
    CountDownLatch latch = new CountDownLatch(1);
    queryStarted = latch;
    return latch;
  }

  @Override
  public List<Event> eventsSince(Instant since) {
    return events.since(since);
  }

  @Override
  public Event awaitEvent(Instant since, String service, String text, long maxMillis)
      throws InterruptedException {
    return events.await(since, service, text, maxMillis);
  }

  @Override
  public void stopOrders() throws Exception {
    command(node(DemoServices.ORDERS), "stop");
  }

  @Override
  public void begin() {}

  /** Asks every service to write its recording so far, then reads the three merged. */
  @Override
  public List<ContextTree.Chain> chainsSince(Instant scenarioStart) throws IOException {
    try {
      commandAll("dump");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the services wrote their recordings", e);
    }
    List<ContextTree.Chain> fresh = new ArrayList<>();
    for (ContextTree.Chain c : JfrChains.read(recordings(), false)) {
      if (!c.startedAt().isBefore(scenarioStart)) {
        fresh.add(c);
      }
    }
    fresh.sort(Comparator.comparing(ContextTree.Chain::startedAt));
    return fresh;
  }

  @Override
  public void scenarioDone() {}

  /** Ends the three JVMs (each writes its recording in full first), then reads every chain. */
  @Override
  public ContextTree.Snapshot picture() throws IOException {
    exitAll();
    return new ContextTree.Snapshot(
        Instant.now(), List.of(), 0, 0, JfrChains.read(recordings(), false));
  }

  private void exitAll() throws IOException {
    if (exited) {
      return;
    }
    exited = true;
    try {
      for (Node n : nodes) {
        if (n.process.isAlive()) {
          post(n, "exit");
        }
      }
      for (Node n : nodes) {
        if (!n.process.waitFor(COMMAND_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new IOException(n.role + " did not exit (log: " + n.log + ")");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the services exited", e);
    }
  }

  @Override
  public void close() {
    try {
      exitAll();
    } catch (IOException | UncheckedIOException e) {
      // fall through: whatever is still running is ended below
    }
    for (Node n : nodes) {
      if (n.process.isAlive()) {
        n.process.destroyForcibly();
      }
    }
  }
}
