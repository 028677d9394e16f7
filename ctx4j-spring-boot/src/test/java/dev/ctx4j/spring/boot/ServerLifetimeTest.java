package dev.ctx4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.http.ServerStoppedException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle bean's stop: it cancels the request contexts' parent at once and tells Spring it is
 * done only when the requests in flight have been answered (docs/adr/0103).
 */
class ServerLifetimeTest {
  @Test
  void stop_cancelsAtOnce_callsBackWhenTheLastRequestIsAnswered() {
    ServerLifetime lifetime = new ServerLifetime();
    lifetime.start();
    lifetime.requestStarted();
    lifetime.requestStarted();
    AtomicInteger callbacks = new AtomicInteger();
    lifetime.stop(callbacks::incrementAndGet);
    assertFalse(lifetime.isRunning());
    assertTrue(lifetime.context().isDone(), "request contexts end when the stop begins");
    assertInstanceOf(ServerStoppedException.class, lifetime.context().cause());
    assertEquals(0, callbacks.get(), "two requests still to be answered");
    lifetime.requestAnswered();
    assertEquals(0, callbacks.get(), "one request still to be answered");
    lifetime.requestAnswered();
    assertEquals(1, callbacks.get());
    assertEquals(0, lifetime.inFlight());
  }

  @Test
  void stop_nothingInFlight_callsBackAtOnce_once() {
    ServerLifetime lifetime = new ServerLifetime();
    lifetime.start();
    lifetime.requestStarted();
    lifetime.requestAnswered(); // answered while running: no callback waiting yet
    AtomicInteger callbacks = new AtomicInteger();
    lifetime.stop(callbacks::incrementAndGet);
    assertEquals(1, callbacks.get());
    lifetime.requestStarted(); // a late request (connectors paused: rare) and its answer
    lifetime.requestAnswered();
    assertEquals(1, callbacks.get(), "the callback runs once");
  }
}
