package dev.ctx4j.observe;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.IntentionalRoot;
import dev.ctx4j.internal.InternalContexts;
import dev.ctx4j.internal.Trace;
import java.lang.reflect.Executable;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The runtime broken-chain detector: with tracing on, a cancellable context derived from {@link
 * Context#background()} or {@link Context#todo()} (directly or under values) on a thread where a
 * live, cancellable context is {@linkplain Context#current() current} is a fresh root where the
 * current context should have flowed: the current context's cancel and deadline never reach it. So
 * is a blocking call through one of ctx4j's integrations (an HTTP exchange through {@code
 * ContextHttpClient}, a gRPC call) made with {@code background()} or {@code todo()} while a live
 * context is current: the call does not see the current context's cancel or deadline. (A JDBC
 * statement always runs in the current context, so it cannot be given another.) Each is reported as
 * a {@code ctx4j.BrokenChain} JFR event, counted ({@link #count()}), kept among the {@link
 * #recent()} reports, and logged as a warning (once per site) with both sites.
 *
 * <p>Not reported: code marked {@link IntentionalRoot}; contexts derived from {@code
 * withoutCancel()} (the way to outlive a request); value contexts (they cannot be cancelled); the
 * roots ctx4j's integrations make themselves (a server's lifetime, a gRPC call's context on a
 * caller's thread). With tracing off nothing is checked: the detector lives in tracing's sink,
 * which core does not call then.
 */
public final class BrokenChains {
  /** How many reports {@link #recent()} keeps. */
  public static final int KEPT = 100;

  private static final int LOGGED_SITES = 1_000;
  private static final System.Logger LOG = System.getLogger("dev.ctx4j.observe.BrokenChains");
  private static final AtomicLong COUNT = new AtomicLong();
  private static final ArrayDeque<Report> RECENT = new ArrayDeque<>(); // guarded by itself
  private static final Set<String> LOGGED = new HashSet<>(); // guarded by RECENT

  private BrokenChains() {}

  /**
   * One fresh root made, or one blocking call made with one, while another context was current.
   *
   * @param seq the count when it was reported (1 for the first in this process)
   * @param context the fresh root, as its {@code toString()}
   * @param site where it was derived ({@code Class.method(File:line)}), or empty if unknown
   * @param current the context that was current, as its {@code toString()}
   * @param currentSite where the current context (or its nearest traced ancestor) was created, or
   *     empty if that site was not recorded (record every site with {@link
   *     ContextTree#allSites(boolean)})
   * @param thread the thread it happened on
   * @param at when
   * @param call the blocking call made with {@code context} (e.g. {@code HTTP GET
   *     http://inventory/stock}), or empty for a fresh root derived at {@code site}
   */
  public record Report(
      long seq,
      String context,
      String site,
      String current,
      String currentSite,
      String thread,
      Instant at,
      String call) {
    /** One line for people: both sites and what to do. */
    @Override
    public String toString() {
      String where =
          (site.isEmpty() ? "an unknown site" : site)
              + " on "
              + thread
              + " while "
              + current
              + (currentSite.isEmpty() ? "" : " (created at " + currentSite + ")")
              + " was current: ";
      return call.isEmpty()
          ? "broken chain: "
              + context
              + " made at "
              + where
              + "its cancel and deadline do not reach the new context; derive from the current"
              + " context (or its withoutCancel()), or mark the code @IntentionalRoot"
          : "broken chain: "
              + call
              + " made with "
              + context
              + " at "
              + where
              + "the call does not see its cancel or deadline; make the call in the current"
              + " context (or its withoutCancel()), or mark the code @IntentionalRoot";
    }
  }

  /** How many broken chains were reported in this process. */
  public static long count() {
    return COUNT.get();
  }

  /** The last {@link #KEPT} reports, most recent first. */
  public static List<Report> recent() {
    synchronized (RECENT) {
      return List.copyOf(RECENT);
    }
  }

  /** Called by the sink for each traced cancellable context; cheap unless a report is due. */
  static void created(CancellableContext ctx, Context parent) {
    if (!freshRoot(parent)) {
      return;
    }
    Context current = Context.current();
    if (current == Context.background()
        || current.isDone()
        || InternalContexts.neverEnds(current)) {
      return;
    }
    if (derivedByAnIntegration()) {
      return; // a server's or a client's own root (a call context on a caller's thread, say)
    }
    StackTraceElement site = Trace.callerSite();
    if (site != null && intentional(site)) {
      return;
    }
    report(ctx.toString(), site == null ? "" : Format.site(site), current, "");
  }

  /**
   * Called by the sink before an integration blocks in a call made with {@code given}, a context
   * that never ends; cheap unless a report is due.
   */
  static void blockingCall(Context given, String kind, Object detail) {
    if (!freshRoot(given)) {
      return; // withoutCancel(): outliving the request is what it is for
    }
    Context current = Context.current();
    if (current == Context.background()
        || current.isDone()
        || InternalContexts.neverEnds(current)) {
      return;
    }
    StackTraceElement site = Trace.userSite();
    if (site != null && intentional(site)) {
      return;
    }
    String call = kind + " " + detail;
    report(
        given.toString(),
        site == null ? "" : Format.site(site),
        current,
        call.length() <= MAX_CALL ? call : call.substring(0, MAX_CALL) + "…");
  }

  private static final int MAX_CALL = 200;

  private static void report(String context, String site, Context current, String call) {
    Report r =
        new Report(
            COUNT.incrementAndGet(),
            context,
            site,
            current.toString(),
            siteOf(current),
            Trace.threadName(Thread.currentThread()),
            Instant.now(),
            call);
    boolean log;
    synchronized (RECENT) {
      RECENT.addFirst(r);
      while (RECENT.size() > KEPT) {
        RECENT.removeLast();
      }
      log = LOGGED.size() < LOGGED_SITES && LOGGED.add(r.site());
    }
    BrokenChainEvent e = new BrokenChainEvent();
    if (e.isEnabled()) {
      e.context = r.context();
      e.site = r.site();
      e.current = r.current();
      e.currentSite = r.currentSite();
      e.call = r.call();
      e.commit();
    }
    if (log) {
      LOG.log(System.Logger.Level.WARNING, r.toString());
    }
  }

  private static final List<String> INTEGRATIONS =
      List.of("dev.ctx4j.http.", "dev.ctx4j.jdbc.", "dev.ctx4j.grpc.", "dev.ctx4j.spring.");

  /**
   * True if the code that derived the context (the first frame below core and this sink) is one of
   * ctx4j's integrations: their roots are the lifetimes and requests they own.
   */
  private static boolean derivedByAnIntegration() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getClassName)
                    .filter(n -> isTest(n) || !isCoreOrObserve(n))
                    .findFirst()
                    .map(n -> !isTest(n) && INTEGRATIONS.stream().anyMatch(n::startsWith))
                    .orElse(false));
  }

  private static boolean isCoreOrObserve(String name) {
    return name.startsWith("dev.ctx4j.observe.")
        || name.startsWith("dev.ctx4j.internal.")
        || (name.startsWith("dev.ctx4j.") && name.indexOf('.', "dev.ctx4j.".length()) < 0);
  }

  private static boolean isTest(String name) {
    return name.endsWith("Test") || name.contains("Test$");
  }

  /** True for background() and todo(), and for value contexts over them (not withoutCancel()). */
  private static boolean freshRoot(Context parent) {
    Context c = parent;
    for (int depth = 0; depth < ContextTree.MAX_DEPTH; depth++) {
      if (c == Context.background() || c == Context.todo()) {
        return true;
      }
      if (Trace.isCancellable(c) || Trace.keyOf(c).isEmpty()) {
        return false; // a scope, or a detached context (withoutCancel)
      }
      Optional<Context> up = Trace.parentOf(c);
      if (up.isEmpty()) {
        return false;
      }
      c = up.get();
    }
    return false;
  }

  /** Where {@code ctx} or its nearest ancestor with a recorded site was created; empty if none. */
  private static String siteOf(Context ctx) {
    Context c = ctx;
    for (int depth = 0; depth < ContextTree.MAX_DEPTH && c != null; depth++) {
      if (Trace.attachment(c) instanceof Registry.Stamp s && s.site != null) {
        return Format.site(s.site);
      }
      c = Trace.parentOf(c).orElse(null);
    }
    return "";
  }

  /**
   * True if the method at {@code site} (any overload of that name; for a lambda, the method it is
   * written in) or its class (or an enclosing class) is marked.
   */
  private static boolean intentional(StackTraceElement site) {
    Optional<Class<?>> cls =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
            .walk(
                frames ->
                    frames
                        .filter(
                            f ->
                                f.getClassName().equals(site.getClassName())
                                    && f.getMethodName().equals(site.getMethodName())
                                    && f.getLineNumber() == site.getLineNumber())
                        .findFirst()
                        .map(StackWalker.StackFrame::getDeclaringClass));
    if (cls.isEmpty()) {
      return false;
    }
    for (Class<?> k = cls.get(); k != null; k = k.getEnclosingClass()) {
      if (k.isAnnotationPresent(IntentionalRoot.class)) {
        return true;
      }
    }
    List<Executable> candidates = new ArrayList<>();
    String name = site.getMethodName();
    if (name.startsWith("lambda$") && name.lastIndexOf('$') > 7) {
      name = name.substring(7, name.lastIndexOf('$')); // a lambda's body: its enclosing method
    }
    if (name.equals("<init>") || name.equals("new")) {
      candidates.addAll(List.of(cls.get().getDeclaredConstructors()));
    } else {
      for (var m : cls.get().getDeclaredMethods()) {
        if (m.getName().equals(name)) {
          candidates.add(m);
        }
      }
    }
    for (Executable x : candidates) {
      if (x.isAnnotationPresent(IntentionalRoot.class)) {
        return true;
      }
    }
    return false;
  }

  @Name("ctx4j.BrokenChain")
  @Category("ctx4j")
  @Label("Broken Chain")
  @Description(
      "A context derived from background() or todo(), or a blocking call made with one, while"
          + " another context was current: the current context's cancel and deadline do not"
          + " reach it")
  @StackTrace(false)
  static final class BrokenChainEvent extends Event {
    @Label("Context")
    String context;

    @Label("Site")
    String site;

    @Label("Current Context")
    String current;

    @Label("Current Context's Site")
    String currentSite;

    @Label("Blocking Call")
    @Description("The call made with the fresh root; empty when the root was only derived")
    String call;
  }
}
