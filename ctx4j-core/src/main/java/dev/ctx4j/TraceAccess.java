package dev.ctx4j;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import dev.ctx4j.internal.TraceSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/** Core's side of {@link Trace}: what observers may ask and report. */
final class TraceAccess implements Trace.Core {
  /** A ref or a request label longer than this is cut (they come from other processes). */
  static final int MAX_TEXT = 200;

  private static final String TAG =
      Long.toString(ProcessHandle.current().pid(), 36)
          + "-"
          + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);

  private static final StackWalker WALKER = StackWalker.getInstance();
  private static final Predicate<StackWalker.StackFrame> IN_CORE =
      f -> isCoreClass(f.getClassName());

  @Override
  public Object install(TraceSink s) {
    return Tracing.install(s);
  }

  @Override
  public Optional<Context> parentOf(Context ctx) {
    return Optional.ofNullable(node(ctx).parent);
  }

  @Override
  public String segmentOf(Context ctx) {
    return node(ctx).segment();
  }

  @Override
  public Optional<Key<?>> keyOf(Context ctx) {
    return node(ctx) instanceof ValueNode v ? Optional.of(v.key) : Optional.empty();
  }

  @Override
  public boolean isCancellable(Context ctx) {
    return node(ctx) instanceof CancelNode;
  }

  @Override
  public Object attachment(Context ctx) {
    if (!(node(ctx) instanceof CancelNode c)) {
      return null;
    }
    Object t = c.trace();
    return t instanceof TraceWalk.Received r ? r.attachment() : t;
  }

  @Override
  public List<CancellableContext> linkedChildrenOf(Context ctx) {
    if (!(node(ctx) instanceof CancelNode c)) {
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

  @Override
  public List<String> waitersOf(Context ctx) {
    if (!(node(ctx) instanceof CancelNode c)) {
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

  @Override
  public StackTraceElement callerSite() {
    return WALKER.walk(
        frames ->
            frames
                .dropWhile(IN_CORE)
                .dropWhile(IN_CORE.negate())
                .dropWhile(IN_CORE)
                .filter(f -> !isLibraryClass(f.getClassName())) // an integration, a server
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
  }

  @Override
  public String ref(Context ctx) {
    CancelNode scope = node(ctx).scope();
    return scope == null ? null : refOf(scope);
  }

  static String refOf(CancelNode n) {
    return TAG + "." + Integer.toHexString(System.identityHashCode(n));
  }

  @Override
  public String sent(Context ctx, String request, String via) {
    Objects.requireNonNull(request, "request");
    if (!Tracing.on) {
      return null;
    }
    Node n = node(ctx);
    CancelNode scope = n.scope();
    if (scope == null) {
      return null;
    }
    TraceWalk.Received from = TraceWalk.receivedAbove(n);
    TraceSink.Sent sent =
        new TraceSink.Sent(
            refOf(scope),
            TraceWalk.serviceOf(n),
            from == null ? null : from.remoteParent(),
            clip(request),
            from == null ? "" : from.request(),
            Trace.threadName(Thread.currentThread()),
            Instant.now(),
            via == null ? null : clip(via));
    TraceSink s = Tracing.sink();
    if (s != null) {
      try {
        s.sent(sent);
      } catch (RuntimeException e) {
        Callbacks.reportUncaught(e);
      }
    }
    TraceEvents.sent(sent);
    return sent.ref();
  }

  @Override
  public void received(Context ctx, String remoteParent, String request) {
    Objects.requireNonNull(request, "request");
    if (!Tracing.on || !(node(ctx) instanceof CancelNode.Traced t)) {
      return;
    }
    String from = remoteParent == null ? null : clip(remoteParent);
    t.trace(new TraceWalk.Received(from, clip(request), attachment(t)));
  }

  @Override
  public void stopped(Context ctx, HopKind kind, String lane, String detail) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(detail, "detail");
    if (!Tracing.on) {
      return;
    }
    CancelNode scope = node(ctx).scope();
    Propagation p = scope == null ? null : scope.state;
    TraceWalk w = p == null ? null : p.trace;
    if (w != null) {
      w.stopped(scope, kind, lane, clip(detail));
    }
  }

  /** A hop core itself reports on the calling thread (an interrupt, siblings cancelled). */
  static void report(Node ctx, HopKind kind, String detail) {
    CancelNode scope = ctx.scope();
    Propagation p = scope == null ? null : scope.state;
    TraceWalk w = p == null ? null : p.trace;
    if (w != null) {
      w.stopped(scope, kind, "", clip(detail));
    }
  }

  @Override
  public StackTraceElement userFrame() {
    return userSite();
  }

  @Override
  public void blockingCall(Context given, String kind, Object detail) {
    Objects.requireNonNull(given, "given");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if (!Tracing.on) {
      return;
    }
    TraceSink s = Tracing.sink();
    if (s != null) {
      s.blockingCall(given, kind, detail);
    }
  }

  @Override
  public String processTag() {
    return TAG;
  }

  private static Node node(Context ctx) {
    return (Node) Objects.requireNonNull(ctx, "ctx");
  }

  static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }

  static boolean isCoreClass(String name) {
    return name.startsWith("dev.ctx4j.") && name.indexOf('.', "dev.ctx4j.".length()) < 0;
  }

  /** How often a thread resolves the site of a plain cancel: the first of each millisecond. */
  static final long PLAIN_SITE_EVERY_NANOS = 1_000_000L;

  private static final ThreadLocal<long[]> LAST_SAMPLED_SITE =
      ThreadLocal.withInitial(() -> new long[] {System.nanoTime() - PLAIN_SITE_EVERY_NANOS});

  /**
   * {@link #userSite()} for the first plain cancel of each millisecond on this thread, else null: a
   * stack walk costs about a microsecond, most of a traced cancel, and a scope ending is routine.
   */
  static StackTraceElement sampledUserSite() {
    long[] last = LAST_SAMPLED_SITE.get();
    long now = System.nanoTime();
    if (now - last[0] < PLAIN_SITE_EVERY_NANOS) {
      return null;
    }
    last[0] = now;
    return userSite();
  }

  /**
   * The first frame of the user's code on this thread: not ctx4j's (core, internal, integrations,
   * observe), not the JDK's, not a server runtime's. Null if there is none (a timer, a watcher).
   */
  static StackTraceElement userSite() {
    return WALKER.walk(
        frames ->
            frames
                .filter(f -> !isLibraryClass(f.getClassName()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
  }

  /**
   * The site of a cancellation point ({@link Sweeps}): {@link #userSite()}, or null when the point
   * is passed inside the tracing machinery (a sink reading the context it is told of), which is not
   * the user's code checking its context even when the user's frame is below it.
   */
  static StackTraceElement pointSite() {
    return WALKER.walk(
        frames ->
            frames
                .dropWhile(f -> !f.getMethodName().equals("pointSite")) // this method's own frame
                .skip(1)
                .filter(f -> isTracing(f.getClassName()) || !isLibraryClass(f.getClassName()))
                .findFirst()
                .filter(f -> !isTracing(f.getClassName()))
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
  }

  private static boolean isTracing(String className) {
    return className.startsWith("dev.ctx4j.Trac"); // Tracing, TraceAccess, TraceWalk, TraceEvents
  }

  private static final List<String> LIBRARY_PREFIXES =
      List.of(
          "dev.ctx4j.internal.",
          "dev.ctx4j.http.",
          "dev.ctx4j.jdbc.",
          "dev.ctx4j.grpc.",
          "dev.ctx4j.observe.",
          "dev.ctx4j.spring.",
          "dev.ctx4j.junit.",
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "jakarta.servlet.",
          "org.eclipse.jetty.",
          "org.apache.catalina.",
          "io.grpc.",
          "com.zaxxer.hikari.",
          "org.junit.");

  static boolean isLibraryClass(String name) {
    if (name.endsWith("Test") || name.contains("Test$")) {
      return false; // a test of ctx4j's own is the user's code here, core's tests included
    }
    if (isCoreClass(name)) {
      return true;
    }
    for (String p : LIBRARY_PREFIXES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
