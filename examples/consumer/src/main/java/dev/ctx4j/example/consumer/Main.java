package dev.ctx4j.example.consumer;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.Key;
import dev.ctx4j.http.ContextHttpClient;
import dev.ctx4j.http.RequestContextHandler;
import dev.ctx4j.jdbc.ContextDataSource;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Uses ctx4j as any application would, from the installed artifacts, and fails (exit 1) when
 * something a user relies on is broken: the path holds a jar no ctx4j POM should bring, a module is
 * not a real named module, a deadline or a cancel does not reach JDBC or HTTP.
 */
public final class Main {
  /** The jars this build may see: ctx4j's three, what the README says they bring, and our own. */
  private static final Pattern EXPECTED =
      Pattern.compile(
          "(ctx4j-(core|jdbc|http)|jetty-(server|http|io|util)|slf4j-(api|nop)|h2)-[0-9].*\\.jar");

  private static final Key<String> USER = Key.named("user");

  private Main() {}

  /**
   * Runs every check.
   *
   * @param args ignored
   * @throws Exception when a check fails
   */
  public static void main(String[] args) throws Exception {
    Module self = Main.class.getModule();
    String where = self.isNamed() ? "module path" : "class path";
    checkPath(self.isNamed() ? "jdk.module.path" : "java.class.path");
    if (self.isNamed()) {
      checkNamedModules();
    }
    jdbc();
    http();
    System.out.println("ctx4j consumer on the " + where + ": core, jdbc and http work");
  }

  /** Every jar on the path, including those in a directory given to the module path. */
  private static void checkPath(String property) throws IOException {
    List<String> jars = new ArrayList<>();
    for (String entry : System.getProperty(property).split(Pattern.quote(File.pathSeparator))) {
      Path path = Path.of(entry);
      List<Path> files = Files.isDirectory(path) ? list(path) : List.of(path);
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(".jar")) {
          jars.add(name);
        }
      }
    }
    for (String jar : jars) {
      check(
          EXPECTED.matcher(jar).matches(),
          "unexpected jar on the path: " + jar + " (did a ctx4j POM leak a dependency?) " + jars);
    }
    for (String mine : List.of("ctx4j-core-", "ctx4j-jdbc-", "ctx4j-http-")) {
      check(jars.stream().anyMatch(j -> j.startsWith(mine)), "no " + mine + "jar in " + jars);
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static void checkNamedModules() {
    for (Class<?> c : List.of(Context.class, ContextDataSource.class, RequestContextHandler.class)) {
      Module m = c.getModule();
      check(
          m.isNamed() && !m.getDescriptor().isAutomatic(),
          c.getName() + " is not in an explicit module (module-info missing?): " + m);
    }
    check(
        Context.class.getModule().getName().equals("dev.ctx4j.core"),
        "core module name: " + Context.class.getModule().getName());
  }

  private static void jdbc() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:consumer;DB_CLOSE_DELAY=-1");
    ContextDataSource db = ContextDataSource.wrap(h2);
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      Context request = ctx.withValue(USER, "ada");
      String user = request.call(() -> Context.current().value(USER));
      check("ada".equals(user), "value lost in call(): " + user);
      long answer = request.call(() -> query(db, "SELECT 41 + 1"));
      check(answer == 42, "SELECT 41 + 1 gave " + answer);
    }
    long started = System.nanoTime();
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
      ctx.call(() -> query(db, ENDLESS));
      throw new AssertionError("a query that counts to 10^12 finished within its 300 ms deadline");
    } catch (DeadlineExceededException expected) {
      long millis = (System.nanoTime() - started) / 1_000_000;
      check(millis < 20_000, "the deadline stopped the query only after " + millis + " ms");
    }
    CancellableContext cancelled = Context.background().withCancel();
    cancelled.cancel(new IllegalStateException("shutting down"));
    try {
      cancelled.call(db::getConnection).close();
      throw new AssertionError("getConnection() under a cancelled context succeeded");
    } catch (ContextException expected) {
      check(
          expected.getCause() instanceof IllegalStateException,
          "the cause should travel with the ContextException: " + expected);
    }
  }

  /** Counts far beyond what 300 ms allow: only a cancelled statement ends it early. */
  private static final String ENDLESS =
      "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 1000000000000)"
          + " SELECT COUNT(*) FROM t";

  private static long query(ContextDataSource db, String sql) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      check(rs.next(), "no row from " + sql);
      return rs.getLong(1);
    }
  }

  private static void http() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(
        RequestContextHandler.builder()
            .maxTimeout(Duration.ofSeconds(10))
            .build(
                (request, response, callback) -> {
                  Duration left =
                      Context.current().deadline().orElseThrow().remaining(); // from the header
                  Content.Sink.write(response, true, Long.toString(left.toMillis()), callback);
                  return true;
                }));
    server.start();
    try {
      var http = ContextHttpClient.wrap(HttpClient.newHttpClient());
      URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
      try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(5))) {
        HttpResponse<String> r =
            ctx.call(
                () ->
                    http.send(
                        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        long millis = Long.parseLong(r.body());
        check(
            millis > 0 && millis <= 5_000,
            "the server's deadline should come from the client's 5 s budget: " + millis + " ms");
      }
      try (CancellableContext ctx = Context.background().withTimeout(Duration.ofNanos(1))) {
        ctx.await();
        ctx.call(
            () ->
                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        throw new AssertionError("a request under an expired context was sent");
      } catch (DeadlineExceededException expected) {
        // the budget was spent before the request left
      }
    } finally {
      server.stop();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
