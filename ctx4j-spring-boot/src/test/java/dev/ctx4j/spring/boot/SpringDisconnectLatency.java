package dev.ctx4j.spring.boot;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.ctx4j.spring.boot.app.Holds;
import dev.ctx4j.spring.boot.app.TestApp;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.util.Callback;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Latency program (not a test), in the test application with only the auto-configuration (the
 * server is whichever Spring Boot picks from the class path). Warm-up rounds, then {@code rounds}
 * measured rounds; prints p50, p99 and max. See docs/latency-spring.md for the command.
 *
 * <ul>
 *   <li>{@code h1} (default): from an HTTP/1.1 client's close to its PostgreSQL query leaving
 *       {@code pg_stat_activity}.
 *   <li>{@code h2}: h2c with prior knowledge, a connection per round; from the client's {@code
 *       RST_STREAM} to the request context ending (measured in the server's JVM), then, in a second
 *       series, to the PostgreSQL query leaving {@code pg_stat_activity}.
 * </ul>
 */
public final class SpringDisconnectLatency {
  private static final int WARMUP = 20;

  private SpringDisconnectLatency() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    boolean h2 = args.length > 1 && args[1].equals("h2");
    ConfigurableApplicationContext app =
        new SpringApplication(TestApp.class)
            .run("--server.port=0", "--logging.level.root=WARN", "--server.http2.enabled=true");
    try (PgActivity pg = new PgActivity(true)) {
      Environment env = app.getEnvironment();
      int port = Integer.parseInt(env.getProperty("local.server.port", "0"));
      String server = app.getBean(jakarta.servlet.ServletContext.class).getServerInfo();
      if (h2) {
        try (H2 client = new H2(port)) {
          report(server, "h2c RST_STREAM -> request context ended", contextEnds(client, rounds));
          report(
              server,
              "h2c RST_STREAM -> query gone from pg_stat_activity",
              h2Queries(client, pg, rounds));
        }
      } else {
        report(
            server,
            "client close -> query gone from pg_stat_activity",
            h1Queries(port, pg, rounds));
      }
    } finally {
      app.close();
    }
  }

  private static long[] h1Queries(int port, PgActivity pg, int rounds) throws Exception {
    long[] micros = new long[rounds];
    for (int i = -WARMUP; i < rounds; i++) {
      String token = "latency-" + (i + WARMUP);
      Socket s = RawHttp.send(port, RawHttp.get("/sleep?s=30&token=" + token));
      pg.awaitActive(token, Duration.ofSeconds(30));
      s.close();
      long ns = pg.awaitGone(token, Duration.ofSeconds(30));
      if (i >= 0) {
        micros[i] = ns / 1000;
      }
    }
    return micros;
  }

  private static long[] contextEnds(H2 client, int rounds) throws Exception {
    long[] micros = new long[rounds];
    for (int i = -WARMUP; i < rounds; i++) {
      String token = "latency-hold-" + (i + WARMUP);
      Holds.Hold hold = Holds.of(token);
      Session session = client.connect();
      try {
        H2.Exchange ex = client.get(session, "/hold?token=" + token);
        hold.entered().get(30, SECONDS);
        long t0 = System.nanoTime();
        ex.reset();
        long ns = hold.ended().get(30, SECONDS).nanoTime() - t0;
        if (i >= 0) {
          micros[i] = ns / 1000;
        }
      } finally {
        Holds.remove(token);
        session.close(0, "round over", Callback.NOOP);
      }
    }
    return micros;
  }

  private static long[] h2Queries(H2 client, PgActivity pg, int rounds) throws Exception {
    long[] micros = new long[rounds];
    for (int i = -WARMUP; i < rounds; i++) {
      String token = "latency-h2-" + (i + WARMUP);
      Session session = client.connect();
      try {
        H2.Exchange ex = client.get(session, "/sleep?s=30&token=" + token);
        pg.awaitActive(token, Duration.ofSeconds(30));
        ex.reset();
        long ns = pg.awaitGone(token, Duration.ofSeconds(30));
        if (i >= 0) {
          micros[i] = ns / 1000;
        }
      } finally {
        session.close(0, "round over", Callback.NOOP);
      }
    }
    return micros;
  }

  private static void report(String server, String what, long[] micros) {
    Arrays.sort(micros);
    int rounds = micros.length;
    System.out.printf(
        "%s, %d rounds: %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        server,
        rounds,
        what,
        micros[rounds / 2] / 1000.0,
        micros[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1000.0,
        micros[rounds - 1] / 1000.0);
  }
}
