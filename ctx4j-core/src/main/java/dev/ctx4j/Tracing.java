package dev.ctx4j;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * The tracing switch and the hooks that observability tools read (module {@code ctx4j-observe}).
 *
 * <p>Off by default. Turn it on with {@code -Dctx4j.trace=on} or {@link #on()}. While on, every
 * derived cancellable context is reported to the installed {@link Sink} when it is created, which
 * may keep an object with it ({@link #attachment}), and every cancel (or expiry) is recorded as a
 * {@link Chain}: its origin (thread, code site, time), its cause, each hop of the propagation with
 * its time offset from the origin, and the threads each hop woke. Each chain is also emitted as a
 * JFR event ({@code ctx4j.Cancel}, category "ctx4j"), and an {@code await} that parked longer than
 * {@link #longAwaitThreshold()} as {@code ctx4j.LongAwait}; both cost nothing unless a recording
 * enables them.
 *
 * <p>Value and detached contexts ({@code withValue}, {@code withoutCancel}) are not reported: they
 * hold nothing, register nowhere and cannot be cancelled, and a report would cost more than
 * creating them. Observers find those that matter as the {@link #parentOf parents} of cancellable
 * ones. Cancellable contexts need not be held by an observer either: one registered with a traced
 * cancellable ancestor is listed by {@link #linkedChildrenOf} of that ancestor for as long as it is
 * live (see {@link Sink#created}).
 *
 * <p>While off, core reads one static field at creation and at cancel and does nothing else.
 *
 * <p>A sink is found with {@link ServiceLoader} when tracing is turned on, or set with {@link
 * #install}. Thread-safe.
 */
public final class Tracing {
  /**
   * Read by the node factories and the cancel walk. A plain field, not volatile: the read must cost
   * nothing on the hot path; {@link #on()} publishes it with a fence, and a thread that misses the
   * change for a moment only misses a trace.
   */
  static boolean on;

  private static volatile Sink sink;
  private static volatile long longAwaitNanos = 1_000_000_000L;
  private static boolean loaded; // guarded by Tracing.class

  static {
    String prop = System.getProperty("ctx4j.trace", "off").trim().toLowerCase(Locale.ROOT);
    if (prop.equals("on") || prop.equals("true")) {
      on();
    }
  }

  private Tracing() {}

  /** Receives what core records while tracing is on. Calls must be quick and must not throw. */
  public interface Sink {
    /**
     * A cancellable context was derived, on the thread that derived it (possibly born done). {@link
     * Tracing#callerSite()} called from here returns the code that derived it.
     *
     * @param linked true if {@code ctx} is registered with the nearest cancellable ancestor and
     *     that ancestor was traced too: {@link Tracing#linkedChildrenOf} of the ancestor lists it
     *     while it is live, so a sink that wants to enumerate live contexts need not hold it
     * @return what core keeps with {@code ctx} for this sink ({@link Tracing#attachment}), or null
     */
    Object created(CancellableContext ctx, Context parent, boolean linked);

    /** A cancel or an expiry finished its walk, on the thread that walked it. */
    void cancelled(Chain chain);
  }

  /** One hop of a propagation: a context reached, when, and the parked threads it woke. */
  public record Hop(Context context, int parentHop, long offsetNanos, List<String> wokenThreads) {
    /**
     * Copies {@code wokenThreads}; {@code parentHop} is the index of the hop that reached this one.
     */
    public Hop {
      Objects.requireNonNull(context, "context");
      wokenThreads = List.copyOf(wokenThreads);
    }
  }

  /**
   * One cancel (or deadline expiry) and everything it reached. Built by the walking thread; handed
   * to the sink once complete, then never changed.
   */
  public static final class Chain {
    private final Context origin;
    private final String thread;
    private final StackTraceElement site;
    private final Instant startedAt;
    private final long startNanos;
    private final ContextException err;
    private final Throwable cause;
    private final List<Hop> hops = new ArrayList<>();
    // The hop index of the node each child on the walk's stack was found under: pushed when the
    // walk pushes a child, popped when it pops one (the walk's stack is LIFO, so this one matches).
    private int[] parents = new int[8];
    private int depth;
    private Node current; // the hop being filled by fired()
    private int currentParent; // its parent hop's index, -1 for the origin
    private long currentAt; // when the walk reached it, from startNanos
    private List<String> woken = new ArrayList<>(2);
    private long durationNanos;

    Chain(Context origin, Propagation p) {
      this.origin = origin;
      this.thread = Thread.currentThread().getName();
      this.site = firstFrameOutsideCore();
      this.startedAt = Instant.now();
      this.startNanos = System.nanoTime();
      this.err = p.err;
      this.cause = p.cause;
    }

    /** The walk reached {@code n}: the origin first, then each child in the order it pops them. */
    void hop(CancelNode n) {
      flush();
      current = n;
      currentParent = depth == 0 ? -1 : parents[--depth];
      currentAt = System.nanoTime() - startNanos;
    }

    /** The walk pushed a child of the current hop onto its stack. */
    void pushedChild() {
      if (depth == parents.length) {
        parents = java.util.Arrays.copyOf(parents, depth * 2);
      }
      parents[depth++] = hops.size(); // the current hop's index once flushed
    }

    void fired(Link dependent) {
      if (dependent instanceof Waiter w) {
        Thread t = w.thread;
        if (t != null) {
          woken.add(t.getName());
        }
      }
    }

    private void flush() {
      if (current != null) {
        hops.add(new Hop(current, currentParent, currentAt, woken));
        woken.clear();
      }
    }

    void end() {
      flush();
      current = null;
      woken = List.of();
      parents = null;
      durationNanos = System.nanoTime() - startNanos;
    }

    /** The context whose cancel (or expiry) started this chain. */
    public Context origin() {
      return origin;
    }

    /** Name of the thread that cancelled (the timer thread for an expiry). */
    public String thread() {
      return thread;
    }

    /** The code that called cancel, or empty for an expiry (no code outside ctx4j did it). */
    public Optional<StackTraceElement> site() {
      return Optional.ofNullable(site);
    }

    /** Wall-clock time of the cancel. */
    public Instant startedAt() {
      return startedAt;
    }

    /** Why: a {@link ContextCancelledException} or a {@link DeadlineExceededException}. */
    public ContextException err() {
      return err;
    }

    /** The cause every reached context reports (the same object as {@link #err()} if none). */
    public Throwable cause() {
      return cause;
    }

    /** Every context made done, in walk order, the origin first. */
    public List<Hop> hops() {
      return Collections.unmodifiableList(hops);
    }

    /** Number of contexts reached besides the origin. */
    public int descendants() {
      return Math.max(0, hops.size() - 1);
    }

    /** From the cancel to the end of the walk. */
    public Duration duration() {
      return Duration.ofNanos(durationNanos);
    }
  }

  /** True while tracing is on. */
  public static boolean isOn() {
    return on;
  }

  /** Turns tracing on for contexts created and cancelled from now on; loads the sink if needed. */
  public static void on() {
    synchronized (Tracing.class) {
      if (!loaded) {
        loaded = true;
        if (sink == null) {
          for (Sink s : ServiceLoader.load(Sink.class, Tracing.class.getClassLoader())) {
            sink = s;
            break;
          }
        }
      }
      on = true;
    }
    VarHandle.fullFence();
  }

  /** Turns tracing off; contexts already recorded stay recorded. */
  public static void off() {
    synchronized (Tracing.class) {
      on = false;
    }
    VarHandle.fullFence();
  }

  /** Replaces the sink (null for none); returns the previous one. */
  public static Sink install(Sink replacement) {
    synchronized (Tracing.class) {
      loaded = true;
      Sink previous = sink;
      sink = replacement;
      return previous;
    }
  }

  /** How long an {@code await} must park before it is reported as a long await. */
  public static Duration longAwaitThreshold() {
    return Duration.ofNanos(longAwaitNanos);
  }

  /**
   * Sets the long-await threshold.
   *
   * @throws IllegalArgumentException if {@code threshold} is negative
   */
  public static void longAwaitThreshold(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("threshold must not be negative: " + threshold);
    }
    longAwaitNanos = Deadline.clampedNanos(threshold);
  }

  // ---- what observers may ask about a context ---------------------------------------------------

  /** The context {@code ctx} was derived from; empty for the roots. */
  public static Optional<Context> parentOf(Context ctx) {
    return Optional.ofNullable(((Node) Objects.requireNonNull(ctx, "ctx")).parent);
  }

  /** The last segment of {@code ctx.toString()}, e.g. {@code withTimeout(1.5s)}. */
  public static String segmentOf(Context ctx) {
    return ((Node) Objects.requireNonNull(ctx, "ctx")).segment();
  }

  /** The key of a {@code withValue} context, else empty. Never the value. */
  public static Optional<Key<?>> keyOf(Context ctx) {
    return Objects.requireNonNull(ctx, "ctx") instanceof ValueNode v
        ? Optional.of(v.key)
        : Optional.empty();
  }

  /** True if {@code ctx} can be cancelled itself (withCancel, withTimeout, withDeadline). */
  public static boolean isCancellable(Context ctx) {
    return Objects.requireNonNull(ctx, "ctx") instanceof CancelNode;
  }

  /**
   * What the sink returned when {@code ctx} was created with tracing on, or null (not cancellable,
   * created while tracing was off, or the sink returned null).
   */
  public static Object attachment(Context ctx) {
    return Objects.requireNonNull(ctx, "ctx") instanceof CancelNode c ? c.trace() : null;
  }

  /**
   * The live cancellable contexts registered with {@code ctx}: those whose nearest cancellable
   * ancestor it is, newest first. Empty if {@code ctx} is not cancellable or is done. A moment's
   * copy; a context created concurrently may be missing.
   */
  public static List<CancellableContext> linkedChildrenOf(Context ctx) {
    if (!(Objects.requireNonNull(ctx, "ctx") instanceof CancelNode c)) {
      return List.of();
    }
    List<CancellableContext> out = new ArrayList<>();
    for (Link e : c.dependents()) {
      if (e instanceof CancelNode child && child.state == null) {
        out.add(child);
      }
    }
    return out;
  }

  /** Names of the threads parked in {@code await}, {@code sleep} or {@code get} on this scope. */
  public static List<String> waitersOf(Context ctx) {
    if (!(Objects.requireNonNull(ctx, "ctx") instanceof CancelNode c)) {
      return List.of();
    }
    List<String> out = new ArrayList<>(1);
    for (Link e : c.dependents()) {
      if (e instanceof Waiter w) {
        Thread t = w.thread;
        if (t != null) {
          out.add(t.getName());
        }
      }
    }
    return out;
  }

  /**
   * The first stack frame outside core below the sink: the code that derived the context. Meant for
   * {@link Sink#created}; elsewhere returns the first frame outside core below the caller.
   */
  public static StackTraceElement callerSite() {
    return WALKER.walk(
        frames ->
            frames
                .dropWhile(IN_CORE)
                .dropWhile(IN_CORE.negate())
                .dropWhile(IN_CORE)
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
  }

  private static final StackWalker WALKER = StackWalker.getInstance();
  private static final Predicate<StackWalker.StackFrame> IN_CORE =
      f -> isCoreClass(f.getClassName());

  static boolean isCoreClass(String name) {
    return name.startsWith("dev.ctx4j.") && name.indexOf('.', "dev.ctx4j.".length()) < 0;
  }

  private static StackTraceElement firstFrameOutsideCore() {
    return WALKER.walk(
        frames ->
            frames
                .dropWhile(IN_CORE)
                .filter(f -> !f.getClassName().startsWith("java.lang.Thread")) // timer thread
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
  }

  // ---- hooks called by core while on ------------------------------------------------------------

  /**
   * Reports a new cancellable context and keeps what the sink returns; returns the node, so a
   * factory can wrap its return value in one call.
   */
  static <N extends CancelNode> N created(N node) {
    if (on) {
      Sink s = sink;
      if (s != null) {
        CancelNode scope = node.parent.scope();
        try {
          node.trace(s.created(node, node.parent, scope != null && scope.trace() != null));
        } catch (RuntimeException e) {
          Callbacks.reportUncaught(e);
        }
      }
    }
    return node;
  }

  static Chain begin(CancelNode origin, Propagation p) {
    return new Chain(origin, p);
  }

  static void end(Chain chain) {
    chain.end();
    TraceEvents.cancelled(chain);
    Sink s = sink;
    if (s != null) {
      try {
        s.cancelled(chain);
      } catch (RuntimeException e) {
        Callbacks.reportUncaught(e);
      }
    }
  }

  static void awaited(Node ctx, long startNanos, boolean done) {
    long parked = System.nanoTime() - startNanos;
    if (parked >= longAwaitNanos) {
      TraceEvents.longAwait(ctx, parked, done);
    }
  }
}
