package dev.ctx4j.cli;

import dev.ctx4j.cli.DemoServices.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The work log of the demo's services, the same for both backends: appended, read, awaited. */
final class DemoEvents {
  private final List<Event> events = new ArrayList<>(); // guarded by itself

  void add(Event e) {
    synchronized (events) {
      events.add(e);
      events.notifyAll();
    }
  }

  /** The events at or after {@code since}, in time order (services in other JVMs interleave). */
  List<Event> since(Instant since) {
    synchronized (events) {
      return events.stream()
          .filter(e -> !e.at().isBefore(since))
          .sorted(Comparator.comparing(Event::at))
          .toList();
    }
  }

  /**
   * Waits until an event of {@code service} containing {@code text} was recorded after {@code
   * since}, or {@code maxMillis} passed; returns it, or null.
   */
  Event await(Instant since, String service, String text, long maxMillis)
      throws InterruptedException {
    long end = System.nanoTime() + maxMillis * 1_000_000L;
    synchronized (events) {
      while (true) {
        for (Event e : events) {
          if (!e.at().isBefore(since) && e.service().equals(service) && e.what().contains(text)) {
            return e;
          }
        }
        long left = (end - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return null;
        }
        events.wait(left);
      }
    }
  }
}
