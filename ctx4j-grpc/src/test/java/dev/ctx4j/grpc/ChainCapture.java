package dev.ctx4j.grpc;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tracing sink for tests: every hop of every chain, while installed (try-with-resources). */
final class ChainCapture implements TraceSink, AutoCloseable {
  final List<Hop> hops = new CopyOnWriteArrayList<>();
  final List<Start> starts = new CopyOnWriteArrayList<>();
  private final TraceSink previous;
  private final boolean wasOn;

  ChainCapture() {
    wasOn = Tracing.isOn();
    previous = Trace.install(this);
    Tracing.on();
  }

  @Override
  public Object created(CancellableContext ctx, Context parent, boolean linked) {
    return null;
  }

  @Override
  public Object began(Start start) {
    starts.add(start);
    return start;
  }

  @Override
  public void hop(Object chain, Hop hop) {
    synchronized (this) {
      hops.add(hop);
      notifyAll(); // wakes await()
    }
  }

  @Override
  public void ended(Object chain, int hopCount, long walkNanos) {}

  /**
   * The first hop of {@code kind}, waiting up to ten seconds for it (hops come from other threads).
   */
  /** The first {@code n} hops of {@code kind}, waiting up to ten seconds for them. */
  synchronized List<Hop> await(HopKind kind, int n) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      List<Hop> of = hops.stream().filter(h -> h.kind() == kind).toList();
      if (of.size() >= n) {
        return of.subList(0, n);
      }
      wait(Math.max(1, left / 1_000_000)); // hop() notifies
    }
    throw new AssertionError("fewer than " + n + " " + kind + " hops in " + hops);
  }

  /** The first hop {@code which} accepts, waiting up to ten seconds for it. */
  synchronized Hop await(java.util.function.Predicate<Hop> which) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      for (Hop h : hops) {
        if (which.test(h)) {
          return h;
        }
      }
      wait(Math.max(1, left / 1_000_000)); // hop() notifies
    }
    throw new AssertionError("no such hop in " + hops);
  }

  synchronized Hop await(HopKind kind) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      for (Hop h : hops) {
        if (h.kind() == kind) {
          return h;
        }
      }
      wait(Math.max(1, left / 1_000_000)); // hop() notifies
    }
    throw new AssertionError("no " + kind + " hop in " + hops);
  }

  /** The first chain whose origin serves {@code request}, waiting up to ten seconds. */
  Start awaitStart(String request) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end) {
      for (Start s : starts) {
        if (s.request().equals(request)) {
          return s;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no chain serving " + request + " in " + starts);
  }

  @Override
  public void close() {
    Tracing.off();
    Trace.install(previous);
    if (wasOn) {
      Tracing.on();
    }
  }
}
