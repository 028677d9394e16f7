package dev.ctx4j.cli;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.ContextException;
import dev.ctx4j.Key;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ctx4j demo}: a request-shaped tree (server → request with a deadline → three parallel
 * calls). One call finishes, one fails and cancels its branch with a cause, one is too slow and is
 * stopped by the request's deadline. Each context's chain, err and cause are printed as it ends.
 */
final class Demo {
  static final Key<String> REQUEST_ID = Key.named("requestId");
  private static final Duration REQUEST_BUDGET = Duration.ofMillis(300);

  private Demo() {}

  static int run(String[] args, PrintStream out) throws InterruptedException {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println("usage: ctx4j demo");
        out.println("  builds server -> request (300ms deadline) -> inventory, pricing, reviews;");
        out.println("  inventory answers, reviews fails and cancels its branch with a cause,");
        out.println("  pricing is too slow and is stopped by the request's deadline.");
        return 0;
      }
      out.println("ctx4j demo: unknown argument '" + arg + "' (try --help)");
      return 2;
    }
    Printer printer = new Printer(out);
    printer.line("server", "start", "");
    try (CancellableContext server = Context.background().withCancel()) {
      CancellableContext request =
          server.withValue(REQUEST_ID, "req-1").withTimeout(REQUEST_BUDGET);
      printer.line("request", "start", request + "  (deadline " + describe(request) + ")");
      List<Thread> calls = new ArrayList<>();
      calls.add(start(printer, request, "inventory", Duration.ofMillis(50), false));
      calls.add(start(printer, request, "reviews", Duration.ofMillis(120), true));
      calls.add(start(printer, request, "pricing", Duration.ofSeconds(5), false));
      request.await();
      printer.ended("request", request);
      for (Thread t : calls) {
        t.join();
      }
    }
    printer.line("server", "stop", "");
    return 0;
  }

  private static Thread start(
      Printer printer, Context request, String name, Duration work, boolean fails) {
    CancellableContext call = request.withCancel();
    printer.line(name, "start", call.toString());
    return Thread.ofVirtual()
        .name("demo-" + name)
        .start(() -> call.run(() -> work(printer, call, name, work, fails)));
  }

  private static void work(
      Printer printer, CancellableContext call, String name, Duration work, boolean fails) {
    try {
      call.sleep(work); // stands in for I/O that honours the context
      if (fails) {
        call.cancel(new IllegalStateException(name + ": upstream answered 503"));
        printer.ended(name, call);
      } else {
        printer.line(name, "done", "answered in " + work.toMillis() + "ms");
        call.cancel(); // Go's defer cancel(): release the scope once the work is done
      }
    } catch (ContextException e) {
      printer.ended(name, call);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Context ctx) {
    return ctx.deadline().map(d -> "in " + d.remaining().toMillis() + "ms").orElse("none");
  }

  /** Prints one line per event, with the time since the demo started. */
  static final class Printer {
    private final PrintStream out;
    private final long start = System.nanoTime();

    Printer(PrintStream out) {
      this.out = out;
    }

    void ended(String name, Context ctx) {
      String cause = ctx.cause() == ctx.err() ? "cause=err" : "cause=" + ctx.cause().toString();
      line(
          name,
          "ended",
          ctx
              + "\n"
              + " ".repeat(28)
              + "err="
              + ctx.err().getClass().getSimpleName()
              + "  "
              + cause);
    }

    synchronized void line(String who, String what, String detail) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      out.println(String.format(Locale.ROOT, "%5dms  %-10s %-8s  %s", ms, who, what, detail));
    }
  }
}
