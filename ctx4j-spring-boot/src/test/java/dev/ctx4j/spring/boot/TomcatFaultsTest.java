package dev.ctx4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * HTTP/1.1 peers that misbehave at the transport, against the starter on embedded Tomcat (one
 * application context and one server for this class, with a 1 s {@code connection-timeout}):
 * slow-loris clients that trickle their headers and then stall, and clients that reset the
 * connection mid-headers. No request context may be created (a probe filter after ctx4j's counts
 * the requests that reach the chain, and the contexts still live), no Tomcat worker thread may stay
 * busy past Tomcat's own timeout, and the next request must be answered. Each case writes a
 * FAULTS.md row. Tomcat only: the Jetty run of this module (tag "server") leaves it out.
 */
@SpringBootTest(
    classes = dev.ctx4j.spring.boot.app.TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.tomcat.connection-timeout=1s",
      "server.tomcat.mbeanregistry.enabled=true",
      "ctx4j.http.max-timeout=20s"
    })
@Import(TomcatFaultsProbe.class)
class TomcatFaultsTest {
  private static final long CONNECTION_TIMEOUT_MS = 1_000;

  /** Requests that reached the chain behind ctx4j's filter, and their contexts still live. */
  static final AtomicInteger CREATED = new AtomicInteger();

  static final AtomicInteger LIVE = new AtomicInteger();

  @Value("${local.server.port}")
  int port;

  /**
   * Tomcat's worker threads running a task now, read from Tomcat's own thread-pool MBean ({@code
   * currentThreadsBusy}): no Tomcat or Spring Boot type is named, so the class compiles against
   * Spring Boot 3 and 4 alike and loads on the Jetty run's class path (where its tag leaves it
   * out).
   */
  private static int activeWorkers() {
    try {
      MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
      var pools = beans.queryNames(new ObjectName("Tomcat:type=ThreadPool,*"), null);
      if (pools.size() != 1) {
        throw new AssertionError("expected one Tomcat thread pool MBean, found " + pools);
      }
      return ((Number) beans.getAttribute(pools.iterator().next(), "currentThreadsBusy"))
          .intValue();
    } catch (javax.management.JMException e) {
      throw new AssertionError("Tomcat's thread-pool MBean could not be read", e);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void slowLorisClients_trickleThenStall_noContext_noThreadHeld_closedByTheConnectionTimeout()
      throws Exception {
    int n = 50;
    int before = CREATED.get();
    byte[] head =
        "GET /context HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abc"
            .getBytes(StandardCharsets.ISO_8859_1);
    long byteEveryMs = CONNECTION_TIMEOUT_MS / 20; // well inside the timeout: the trickle lives
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch trickling = new CountDownLatch(n);
      List<Future<Long>> closedAfter = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        closedAfter.add(
            clients.submit(
                () -> {
                  try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < head.length; i++) {
                      out.write(head[i]);
                      out.flush();
                      if (i == head.length / 2) {
                        trickling.countDown();
                      }
                      Thread.sleep(byteEveryMs); // the fault itself: one byte at a time
                    }
                    long stalled = System.nanoTime(); // now say nothing more
                    InputStream in = s.getInputStream();
                    try {
                      while (in.read() >= 0) {
                        // a 400/408 or nothing, then the end of the stream
                      }
                    } catch (IOException e) {
                      // a reset is an end too
                    }
                    return (System.nanoTime() - stalled) / 1_000_000;
                  }
                }));
      }
      assertTrue(trickling.await(60, TimeUnit.SECONDS), "the clients did not start trickling");
      int busyMidway = activeWorkers();
      long worst = 0;
      for (Future<Long> f : closedAfter) {
        worst = Math.max(worst, f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(before, CREATED.get(), "a trickled request reached the chain");
      assertTrue(
          busyMidway < n / 4, "Tomcat threads held while " + n + " clients trickle: " + busyMidway);
      assertTrue(
          worst < CONNECTION_TIMEOUT_MS + 3_000,
          "a stalled client was closed " + worst + " ms after it stalled");
      long idleAfter = threadsIdle();
      stillAnswers();
      row(
          "HTTP/1.1 (Tomcat, Spring Boot starter, connection-timeout 1 s): slow-loris clients"
              + " trickle their headers one byte each "
              + byteEveryMs
              + " ms, then stall",
          n + " clients at once",
          "no context created; "
              + busyMidway
              + " Tomcat worker threads busy while they trickled; each closed at most "
              + worst
              + " ms after it stalled; workers idle "
              + idleAfter
              + " ms after the last close; the next request answered",
          "nothing: 0 live contexts");
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void clientsResetMidHeaders_noContext_threadsBackToIdle_serverStillAnswers() throws Exception {
    int n = 200;
    int before = CREATED.get();
    byte[] partial =
        "GET /context HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ab"
            .getBytes(StandardCharsets.ISO_8859_1);
    long t0 = System.nanoTime();
    for (int c = 0; c < n; c++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(partial);
        s.getOutputStream().flush();
        s.setSoLinger(true, 0); // close sends RST, not FIN
      }
    }
    long idleAfter = threadsIdle();
    long settled = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(before, CREATED.get(), "a request reset mid-headers reached the chain");
    stillAnswers();
    row(
        "HTTP/1.1 (Tomcat, Spring Boot starter): clients send half their headers, then reset the"
            + " connection (RST)",
        n + " connections",
        "no context created; Tomcat worker threads idle "
            + settled
            + " ms after the first connection ("
            + idleAfter
            + " ms after the last); the next request answered",
        "nothing: 0 live contexts");
  }

  /** Waits until no Tomcat worker runs a task; returns how long that took, in ms. */
  private static long threadsIdle() throws InterruptedException {
    long t0 = System.nanoTime();
    await(() -> activeWorkers() == 0, "Tomcat workers still busy");
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private void stillAnswers() throws Exception {
    int before = CREATED.get();
    try (Socket s = RawHttp.send(port, RawHttp.get("/context"))) {
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertEquals(200, r.status(), r.body());
    }
    assertEquals(before + 1, CREATED.get(), "the next request did not reach the chain once");
    await(() -> LIVE.get() == 0, "request contexts left live");
  }

  /** Polls a state nothing signals (Tomcat's active count, the probe's live count), up to 30 s. */
  private static void await(BooleanSupplier ok, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail(what);
      }
      Thread.sleep(10);
    }
  }

  /**
   * One FAULTS.md row when {@code -Dctx4j.faults.out} is set ({@code ./ctx4j faults}); this
   * module's copy of ctx4j-junit's FaultReport, whose JUnit would meet Spring Boot's here.
   */
  static void row(String fault, String often, String happened, String lost) throws IOException {
    String out = System.getProperty("ctx4j.faults.out");
    if (out == null || out.isBlank()) {
      return;
    }
    String line =
        String.join("\t", clean(fault), clean(often), clean(happened), clean(lost)) + "\n";
    Files.writeString(
        Path.of(out),
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('|', '/');
  }
}
