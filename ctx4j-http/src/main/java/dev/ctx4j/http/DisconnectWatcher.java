package dev.ctx4j.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Sees an HTTP/1.1 client close its connection while a handler is still computing, which Jetty
 * itself only notices on the next write (see docs/adr/0045).
 *
 * <p>While a request without a body is in flight, its connection's {@link SocketChannel} is also
 * registered for reads with this watcher's own {@link Selector} (a channel may be registered with
 * several selectors; Jetty's keeps its own key). Nothing is ever read: when the channel becomes
 * readable, the number of bytes waiting ({@code available()}) tells the two cases apart. Zero bytes
 * on a readable socket means end of stream or a reset: the client is gone. Bytes waiting mean a
 * pipelined request or unsolicited data: the watcher stops watching that request and leaves the
 * bytes for Jetty.
 *
 * <p>One platform daemon thread per watcher, blocked in {@code select()} while idle (no polling);
 * registrations and ends are queued and the selector is woken. Every ready channel of a {@code
 * select()} round is checked before the requests found gone are ended (ADR 0130); a handler woken
 * by such an end can {@linkplain Watch#yieldToWatcher() wait for the round to finish} before it
 * answers, so that the work of many requests whose clients left does not take the CPU from the
 * detection of the rest (ADR 0131). Thread-safe.
 *
 * <p>Public for integrations that reach another server's connections (a {@link
 * ContextFilter.ClientDisconnects} for Tomcat): watch a plain-TCP channel only while an HTTP/1.x
 * request without a body is in flight on it, and end the watch when the response completes.
 */
public final class DisconnectWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DisconnectWatcher.class.getName());

  private final Selector selector;
  private final Thread thread;
  private final Queue<Watch> changes = new ConcurrentLinkedQueue<>(); // watches to (de)register
  private final ArrayList<Watch> gone = new ArrayList<>(); // this round's hang-ups; watcher only
  private volatile boolean closed;
  private int registered; // keys registered now; watcher thread only
  private volatile int watching; // registered, published after each round
  private long round; // the round in progress, from 1; watcher thread only
  private volatile long roundsEnded; // every round up to this one has ended all it found gone
  private final Queue<Yield> yielding =
      new ConcurrentLinkedQueue<>(); // handlers waiting on a round

  /**
   * How long a handler waits at most for the watcher's round to end ({@link Watch#yieldToWatcher}).
   */
  static final long MAX_YIELD_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Starts a watcher whose thread is named {@code name}. */
  public DisconnectWatcher(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for disconnect detection", e);
    }
    thread = Thread.ofPlatform().name(name).daemon().unstarted(this::loop);
    thread.start();
  }

  /**
   * Starts watching {@code channel}; {@code onGone} runs on the watcher thread, at most once. After
   * {@link #close} nothing is watched.
   */
  public Watch watch(SocketChannel channel, Runnable onGone) {
    Watch w = new Watch(channel, onGone);
    if (!closed) { // after close (or a failed loop) nothing drains the queue: watch nothing
      changes.add(w);
      selector.wakeup();
    }
    return w;
  }

  /** One watched request. */
  public final class Watch {
    private final SocketChannel channel;
    private final Runnable onGone;
    private volatile boolean ended;
    private volatile boolean dropped; // the watcher cancelled its key: end() has nothing to do
    private volatile long goneIn; // the round that found the client gone, 0 if none
    private SelectionKey key; // watcher thread only

    private Watch(SocketChannel channel, Runnable onGone) {
      this.channel = channel;
      this.onGone = onGone;
    }

    /** Stops watching; idempotent. After this returns, {@code onGone} may still run once. */
    public void end() {
      if (!ended) {
        ended = true;
        if (!closed && !dropped) { // a watch the watcher dropped needs no change, and no wake-up
          changes.add(this);
          selector.wakeup();
        }
      }
    }

    /**
     * If the watcher found this request's client gone, waits until it has ended every request it
     * found gone in the same round (at most {@link #MAX_YIELD_NANOS}, or until the watcher closes),
     * then returns; else returns at once. Called by the handler woken by that end before it does
     * the work of answering (aborting) the request: when many clients leave together, their
     * handlers' answers then wait for detection instead of taking the CPU from it. The watcher
     * wakes one waiting thread when a round ends, and each thread that goes on wakes two more, so
     * the watcher's own thread does not pay for thousands of wake-ups. Never call it while holding
     * a lock.
     */
    public void yieldToWatcher() {
      long r = goneIn;
      if (r == 0 || roundsEnded >= r || closed || Thread.currentThread() == thread) {
        return;
      }
      long deadline = System.nanoTime() + MAX_YIELD_NANOS;
      Yield y = new Yield(Thread.currentThread(), r);
      yielding.add(y);
      while (roundsEnded < r && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (y.released.get()) { // released for an earlier round's chain: wait again
          y = new Yield(Thread.currentThread(), r);
          yielding.add(y);
          continue;
        }
        LockSupport.parkNanos(this, left);
      }
      y.released.set(true); // if still queued, the chain skips it
      // Wake two: the waiters of a round of thousands go on in a dozen hops, not thousands.
      releaseNext();
      releaseNext();
    }
  }

  /** A handler thread waiting for round {@code round} to end. */
  private record Yield(Thread thread, long round, AtomicBoolean released) {
    Yield(Thread thread, long round) {
      this(thread, round, new AtomicBoolean());
    }
  }

  /** Wakes the first handler still waiting for a round that has ended; it wakes more. */
  private void releaseNext() {
    Yield y;
    while ((y = yielding.peek()) != null) {
      if (y.round > roundsEnded && !closed) {
        return; // the rest wait for a round in progress: its end starts their chain
      }
      if (yielding.remove(y) && y.released.compareAndSet(false, true)) {
        LockSupport.unpark(y.thread);
        return;
      }
    }
  }

  private void loop() {
    try {
      while (!closed) {
        selector.select();
        round++;
        applyChanges();
        // Two passes (ADR 0130): every ready channel of this round is checked before any request
        // found gone is ended, so the ends (and the handler threads they wake, which compete with
        // this one for a core) do not delay the detection of the rest of the round.
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          Watch w = (Watch) key.attachment();
          if (check(w)) {
            gone.add(w);
          }
        }
        if (!gone.isEmpty()) {
          endGone();
          gone.clear();
        }
        watching = registered;
        roundsEnded = round;
        releaseNext();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.ERROR, "disconnect watcher stopped; HTTP/1.1 disconnects go unseen", e);
    } finally {
      closed = true;
      releaseNext();
      changes.clear();
      try {
        selector.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing the disconnect watcher's selector", e);
      }
    }
  }

  private void applyChanges() throws IOException {
    Watch w;
    while ((w = changes.poll()) != null) {
      if (w.ended) {
        if (w.key != null) {
          w.key.cancel(); // flushed by the next select(), which lets Jetty close the channel
          w.key = null;
          registered--;
        }
      } else if (w.key == null) {
        register(w);
      }
    }
  }

  private void register(Watch w) throws IOException {
    try {
      try {
        w.key = w.channel.register(selector, SelectionKey.OP_READ, w);
      } catch (CancelledKeyException e) {
        // The previous request on this connection ended in this same batch: its cancelled key is
        // only flushed by a select. Flush, then register again.
        selector.selectNow();
        w.key = w.channel.register(selector, SelectionKey.OP_READ, w);
      }
      registered++;
    } catch (ClosedChannelException e) {
      gone(w);
    } catch (RuntimeException e) { // e.g. IllegalBlockingModeException: cannot watch this one
      LOG.log(Level.DEBUG, "cannot watch " + w.channel, e);
    }
  }

  /**
   * The channel is readable: either the client is gone (true: end its request) or there are bytes
   * we must not take. Either way the watch is over.
   */
  private boolean check(Watch w) {
    int waiting;
    try {
      waiting = w.channel.socket().getInputStream().available();
    } catch (IOException e) {
      waiting = 0; // closed or reset: gone
    }
    if (w.key != null) {
      w.key.cancel(); // either way this watch is over
      w.key = null;
      w.dropped = true;
      registered--;
    }
    return waiting == 0 && !w.ended;
  }

  private void endGone() {
    for (int i = 0; i < gone.size(); i++) {
      gone(gone.get(i));
    }
  }

  private void gone(Watch w) {
    w.goneIn = round;
    try {
      w.onGone.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "disconnect callback failed", e);
    }
  }

  /** How many requests are watched now (for tests: 0 once every watch ended). */
  int watching() {
    return watching;
  }

  @Override
  public void close() {
    closed = true;
    releaseNext(); // handlers waiting on a round go on: nothing more will be detected
    selector.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
