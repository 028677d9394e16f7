package dev.ctx4j.internal;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one door between core and the modules that observe it (ctx4j-observe, and the integrations
 * that report the steps that stop work). Not public API: module {@code dev.ctx4j.core} exports this
 * package only to those modules, and nothing here is promised to stay.
 *
 * <p>Everything here does nothing (and costs one read) while tracing is off ({@link
 * dev.ctx4j.Tracing#isOn()}).
 */
public final class Trace {
  /**
   * The service a context belongs to, as the chain pictures label it: bound on the root a server's
   * request contexts hang from. Without it a chain is labelled with {@code -Dctx4j.service}.
   */
  public static final Key<String> SERVICE = Key.named("ctx4j.service");

  /** The lane of a database hop. */
  public static final String DATABASE = "database";

  /** What core implements for this door; bound once, by core's {@code Tracing}. */
  public interface Core {
    Object install(TraceSink sink);

    Optional<Context> parentOf(Context ctx);

    String segmentOf(Context ctx);

    Optional<Key<?>> keyOf(Context ctx);

    boolean isCancellable(Context ctx);

    Object attachment(Context ctx);

    List<CancellableContext> linkedChildrenOf(Context ctx);

    List<String> waitersOf(Context ctx);

    StackTraceElement callerSite();

    StackTraceElement userFrame();

    void blockingCall(Context given, String kind, Object detail);

    String ref(Context ctx);

    String sent(Context ctx, String request, String via);

    void received(Context ctx, String remoteParent, String request);

    void stopped(Context ctx, HopKind kind, String lane, String detail);

    String processTag();
  }

  private static volatile Core core;

  static {
    try {
      Class.forName("dev.ctx4j.Tracing", true, Trace.class.getClassLoader()); // binds core
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Trace() {}

  /**
   * Called once by core.
   *
   * @throws IllegalStateException on a second call
   */
  public static synchronized void bind(Core c) {
    if (core != null) {
      throw new IllegalStateException("already bound");
    }
    core = Objects.requireNonNull(c, "c");
  }

  /** Replaces the sink (null for none); returns the previous one. */
  public static TraceSink install(TraceSink sink) {
    return (TraceSink) core.install(sink);
  }

  /** The context {@code ctx} was derived from; empty for the roots. */
  public static Optional<Context> parentOf(Context ctx) {
    return core.parentOf(ctx);
  }

  /** The last segment of {@code ctx.toString()}, e.g. {@code withTimeout(1.5s)}; null for none. */
  public static String segmentOf(Context ctx) {
    return core.segmentOf(ctx);
  }

  /** The key of a {@code withValue} context, else empty. Never the value. */
  public static Optional<Key<?>> keyOf(Context ctx) {
    return core.keyOf(ctx);
  }

  /** True if {@code ctx} can be cancelled itself (withCancel, withTimeout, withDeadline). */
  public static boolean isCancellable(Context ctx) {
    return core.isCancellable(ctx);
  }

  /**
   * What the sink returned when {@code ctx} was created with tracing on, or null (not cancellable,
   * created while tracing was off, or the sink returned null).
   */
  public static Object attachment(Context ctx) {
    return core.attachment(ctx);
  }

  /**
   * The live cancellable contexts registered with {@code ctx}, newest first; empty if it is not
   * cancellable or is done. A moment's copy.
   */
  public static List<CancellableContext> linkedChildrenOf(Context ctx) {
    return core.linkedChildrenOf(ctx);
  }

  /** Names of the threads parked in {@code await}, {@code sleep} or {@code get} on this scope. */
  public static List<String> waitersOf(Context ctx) {
    return core.waitersOf(ctx);
  }

  /**
   * The first stack frame of the user's code below the sink: the code that derived the context.
   * Meant for {@link TraceSink#created}.
   */
  public static StackTraceElement callerSite() {
    return core.callerSite();
  }

  /**
   * The first frame of the user's code on this thread: not ctx4j's, the JDK's, a server's or a test
   * framework's; null if there is none.
   */
  public static StackTraceElement userSite() {
    return core.userFrame();
  }

  /**
   * An integration is about to block in a call made with {@code given}, a context that {@linkplain
   * InternalContexts#neverEnds never ends}: with tracing on, the sink is told (it reports a broken
   * chain when a live context is current here). Does nothing while tracing is off.
   *
   * @param kind {@code HTTP}, {@code gRPC}
   * @param detail what the call is; its {@code toString()} is read only when a report is due
   */
  public static void blockingCall(Context given, String kind, Object detail) {
    core.blockingCall(given, kind, detail);
  }

  /**
   * A short name of the scope of {@code ctx} (its nearest cancellable context) unique within this
   * process for as long as it lives ({@code <process tag>.<hex>}); null if no ancestor can end.
   */
  public static String ref(Context ctx) {
    return core.ref(ctx);
  }

  /**
   * A request {@code request} (e.g. {@code GET /order}) leaves this service in {@code ctx}: returns
   * the ref to carry in the request, or null while tracing is off (send nothing then).
   */
  public static String sent(Context ctx, String request) {
    return core.sent(ctx, request, null);
  }

  /**
   * As {@link #sent(Context, String)}, for a request that already names its sender another way:
   * {@code via} (a {@link #traceparent} value) is what the receiving side will record as its remote
   * parent, and chains are stitched through it to the sending context. The ref returned need not be
   * sent then.
   */
  public static String sent(Context ctx, String request, String via) {
    return core.sent(ctx, request, via);
  }

  /** The W3C trace context header: read, never written, by ctx4j (ADR 0092). */
  public static final String TRACEPARENT = "traceparent";

  /** The longest {@code traceparent} value {@link #traceparent} looks at. */
  public static final int MAX_TRACEPARENT_LENGTH = 256;

  /**
   * The remote parent a W3C {@code traceparent} value names, {@code w3c:<trace-id>-<parent-id>}, or
   * null unless it is well formed: 2 lower-case hex digits of version (not {@code ff}), a dash, 32
   * of trace-id (not all zero), a dash, 16 of parent-id (not all zero), a dash, 2 of flags; nothing
   * more for version {@code 00}, only {@code -...} after the flags for a later version; at most
   * {@value #MAX_TRACEPARENT_LENGTH} characters. For values read from other processes: shown, never
   * trusted.
   */
  public static String traceparent(String value) {
    if (value == null || value.length() < 55 || value.length() > MAX_TRACEPARENT_LENGTH) {
      return null;
    }
    if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-') {
      return null;
    }
    String version = value.substring(0, 2);
    String traceId = value.substring(3, 35);
    String parentId = value.substring(36, 52);
    if (!hex(version) || version.equals("ff") || !hex(traceId) || !hex(parentId)) {
      return null;
    }
    if (!hex(value.substring(53, 55)) || zero(traceId) || zero(parentId)) {
      return null;
    }
    if (value.length() > 55 && (version.equals("00") || value.charAt(55) != '-')) {
      return null;
    }
    return "w3c:" + traceId + "-" + parentId;
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zero(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code ctx}, a cancellable context created for an incoming request, came from the context
   * {@code remoteParent} names in another service (a value read from a header: shown, never
   * trusted). Does nothing while tracing is off or for a context created while it was off.
   */
  public static void received(Context ctx, String remoteParent, String request) {
    core.received(ctx, remoteParent, request);
  }

  /**
   * A step that stops work, caused by the end of {@code ctx}, happened on the calling thread: a hop
   * of the chain that ended {@code ctx}'s scope. Does nothing while tracing is off, while the scope
   * is live, or if the chain that ended it was not traced.
   *
   * @param lane empty for the chain's service, {@link #DATABASE} for a query
   */
  public static void stopped(Context ctx, HopKind kind, String lane, String detail) {
    core.stopped(ctx, kind, lane, detail);
  }

  /** The longest ref {@link #validRef} accepts. */
  public static final int MAX_REF_LENGTH = 64;

  private static final java.util.regex.Pattern REF =
      java.util.regex.Pattern.compile("[0-9a-z]{1,13}-[0-9a-z]{1,4}\\.[0-9a-f]{1,8}");

  /**
   * {@code value} if it has the form of a {@link #ref} ({@code <process tag>.<hex>}: 1 to 13
   * lower-case base-36 characters, a dash, 1 to 4 more, a dot, 1 to 8 lower-case hex digits; at
   * most {@value #MAX_REF_LENGTH} characters), else null. For values read from other processes.
   */
  public static String validRef(String value) {
    return value != null && value.length() <= MAX_REF_LENGTH && REF.matcher(value).matches()
        ? value
        : null;
  }

  /** This process's tag: the prefix of every {@link #ref} made here. */
  public static String processTag() {
    return core.processTag();
  }

  /**
   * A thread's name as chains show it: never blank; a virtual thread is marked as such, with its
   * id.
   */
  public static String threadName(Thread t) {
    String name = t.getName();
    if (t.isVirtual()) {
      return name.isBlank() ? "virtual#" + t.threadId() : name + " (virtual#" + t.threadId() + ")";
    }
    return name.isBlank() ? "thread#" + t.threadId() : name;
  }
}
