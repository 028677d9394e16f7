package dev.ctx4j.spring.boot;

import dev.ctx4j.spring.boot.app.TestApp;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Latency program (not a test): from an HTTP/1.1 client's close to its PostgreSQL query leaving
 * {@code pg_stat_activity}, in the test application with only the auto-configuration (the server is
 * whichever Spring Boot picks from the class path). Warm-up rounds, then {@code rounds} measured
 * rounds; prints p50, p99 and max. See docs/latency-spring.md for the command.
 */
public final class SpringDisconnectLatency {
  private SpringDisconnectLatency() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int warmup = 20;
    ConfigurableApplicationContext app =
        new SpringApplication(TestApp.class).run("--server.port=0", "--logging.level.root=WARN");
    try (PgActivity pg = new PgActivity(true)) {
      Environment env = app.getEnvironment();
      int port = Integer.parseInt(env.getProperty("local.server.port", "0"));
      String server = app.getBean(jakarta.servlet.ServletContext.class).getServerInfo();
      long[] micros = new long[rounds];
      for (int i = -warmup; i < rounds; i++) {
        String token = "latency-" + (i + warmup);
        Socket s = RawHttp.send(port, RawHttp.get("/sleep?s=30&token=" + token));
        pg.awaitActive(token, Duration.ofSeconds(30));
        s.close();
        long ns = pg.awaitGone(token, Duration.ofSeconds(30));
        if (i >= 0) {
          micros[i] = ns / 1000;
        }
      }
      Arrays.sort(micros);
      System.out.printf(
          "%s, %d rounds: client close -> query gone from pg_stat_activity:"
              + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          server,
          rounds,
          micros[rounds / 2] / 1000.0,
          micros[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1000.0,
          micros[rounds - 1] / 1000.0);
    } finally {
      app.close();
    }
  }
}
