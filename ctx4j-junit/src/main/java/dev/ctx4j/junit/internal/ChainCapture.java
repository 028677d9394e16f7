package dev.ctx4j.junit.internal;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Every chain start and hop core reports while installed (try-with-resources), each passed on to
 * {@code next} (ctx4j-observe's sink, or none), with waits woken by each event instead of polling.
 * For ctx4j's own integration tests, which check what the internal tracing seam carries; not an API
 * (the package is not exported). Users test chains with {@link dev.ctx4j.junit.ChainRecorder}.
 */
public final class ChainCapture implements TraceSink, AutoCloseable {
  /** The default bound of the waits. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  /** Every hop reported while installed, in the order reported. */
  public final List<Hop> hops = new CopyOnWriteArrayList<>();

  /** Every chain begun while installed, in the order begun. */
  public final List<Start> starts = new CopyOnWriteArrayList<>();

  /** Every request sent to another service while installed, in the order sent. */
  public final List<Sent> sent = new CopyOnWriteArrayList<>();

  private final TraceSink next;
  private final TraceSink previous;
  private final boolean wasOn;

  /** Installs a capture that passes nothing on. */
  public ChainCapture() {
    this(null);
  }

  /** Installs a capture that passes every event on to {@code next} (null: nowhere). */
  public ChainCapture(TraceSink next) {
    this.next = next;
    wasOn = Tracing.isOn();
    previous = Trace.install(this);
    Tracing.on();
  }

  @Override
  public Object created(CancellableContext ctx, Context parent, boolean linked) {
    return next == null ? null : next.created(ctx, parent, linked);
  }

  @Override
  public Object began(Start start) {
    Object chain = next == null ? start : next.began(start);
    starts.add(start);
    changed();
    return new Chain(chain);
  }

  @Override
  public void hop(Object chain, Hop hop) {
    if (next != null && chain instanceof Chain c) {
      next.hop(c.next, hop);
    }
    hops.add(hop);
    changed();
  }

  @Override
  public void ended(Object chain, int hopCount, long walkNanos) {
    if (next != null && chain instanceof Chain c) {
      next.ended(c.next, hopCount, walkNanos);
    }
    changed();
  }

  @Override
  public void sent(Sent s) {
    if (next != null) {
      next.sent(s);
    }
    sent.add(s);
    changed();
  }

  /** What {@link #began} hands back to core: the next sink's chain object. */
  private record Chain(Object next) {}

  private synchronized void changed() {
    notifyAll(); // wakes awaitUntil
  }

  /**
   * Waits until {@code done} holds, woken by each event; false if {@code within} passed first.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean awaitUntil(BooleanSupplier done, Duration within)
      throws InterruptedException {
    // saturated: a bound of centuries waits "forever" instead of overflowing
    long bound =
        within.isNegative()
            ? 0
            : within.compareTo(FOREVER) >= 0 ? Long.MAX_VALUE : within.toNanos();
    long start = System.nanoTime();
    while (!done.getAsBoolean()) {
      long left = bound - (System.nanoTime() - start);
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, Math.min(left / 1_000_000, Long.MAX_VALUE / 2))); // every event notifies
    }
    return true;
  }

  private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

  /** The first hop of {@code kind}, waiting up to {@link #WAIT} for it. */
  public Hop await(HopKind kind) throws InterruptedException {
    Hop[] found = new Hop[1];
    boolean ok =
        awaitUntil(
            () -> {
              for (Hop h : hops) {
                if (h.kind() == kind) {
                  found[0] = h;
                  return true;
                }
              }
              return false;
            },
            WAIT);
    if (!ok) {
      throw new AssertionError("no " + kind + " hop within " + WAIT + " in " + hops);
    }
    return found[0];
  }

  /** The first {@code n} hops of {@code kind}, waiting up to {@link #WAIT} for them. */
  public List<Hop> await(HopKind kind, int n) throws InterruptedException {
    List<List<Hop>> found = new ArrayList<>(1);
    boolean ok =
        awaitUntil(
            () -> {
              List<Hop> of = hops.stream().filter(h -> h.kind() == kind).toList();
              if (of.size() < n) {
                return false;
              }
              found.add(of.subList(0, n));
              return true;
            },
            WAIT);
    if (!ok) {
      throw new AssertionError(
          "fewer than " + n + " " + kind + " hops within " + WAIT + " in " + hops);
    }
    return found.get(0);
  }

  /** The first hop {@code which} accepts, waiting up to {@link #WAIT} for it. */
  public Hop await(Predicate<Hop> which) throws InterruptedException {
    Hop[] found = new Hop[1];
    boolean ok =
        awaitUntil(
            () -> {
              for (Hop h : hops) {
                if (which.test(h)) {
                  found[0] = h;
                  return true;
                }
              }
              return false;
            },
            WAIT);
    if (!ok) {
      throw new AssertionError("no such hop within " + WAIT + " in " + hops);
    }
    return found[0];
  }

  /** The first chain whose origin serves {@code request}, waiting up to {@link #WAIT}. */
  public Start awaitStart(String request) throws InterruptedException {
    Start[] found = new Start[1];
    boolean ok =
        awaitUntil(
            () -> {
              for (Start s : starts) {
                if (s.request().equals(request)) {
                  found[0] = s;
                  return true;
                }
              }
              return false;
            },
            WAIT);
    if (!ok) {
      throw new AssertionError("no chain serving " + request + " within " + WAIT + " in " + starts);
    }
    return found[0];
  }

  /** Puts back the sink and the tracing state found at construction. */
  @Override
  public void close() {
    Tracing.off();
    Trace.install(previous);
    if (wasOn) {
      Tracing.on();
    }
  }
}
