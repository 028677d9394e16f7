package dev.ctx4j.cli;

import dev.ctx4j.cli.DemoServices.Event;
import dev.ctx4j.observe.ContextTree;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Where the demo's services run: all in this process ({@link DemoServices}), or one JVM each
 * ({@link DemoProcesses}, {@code demo --processes}). The scenarios drive either the same way.
 */
interface DemoBackend extends AutoCloseable {
  /** Where the client sends its requests. */
  URI gatewayUri();

  /** A latch counted down when inventory starts its next heavy query. */
  CountDownLatch armQueryStarted();

  /** The events the services recorded at or after {@code since}, in order. */
  List<Event> eventsSince(Instant since);

  /**
   * Waits until an event of {@code service} containing {@code text} was recorded after {@code
   * since}, or {@code maxMillis} passed; returns it, or null.
   */
  Event awaitEvent(Instant since, String service, String text, long maxMillis)
      throws InterruptedException;

  /** Stops the orders service with requests in flight. */
  void stopOrders() throws Exception;

  /** Called once before the first scenario: tracing is on from here. */
  void begin() throws IOException;

  /** The propagation chains of the current scenario so far, begun at or after its start. */
  List<ContextTree.Chain> chainsSince(Instant scenarioStart) throws IOException;

  /** The current scenario is over: its chains are not the next one's. */
  void scenarioDone();

  /** Every chain of the run, for the HTML page; called after the last scenario. */
  ContextTree.Snapshot picture() throws IOException;

  @Override
  void close();
}
