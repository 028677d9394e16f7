package dev.ctx4j.junit;

import dev.ctx4j.internal.Sweep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;

/** One sweep: the points its count run passed, and the runs made of them. */
final class SweepPlan {
  /** A cancellation point: the operation, the first frame of the caller's code, its pass there. */
  record Point(String operation, StackTraceElement site, int pass) {
    @Override
    public String toString() {
      return operation + " at " + site + ", pass " + pass;
    }
  }

  private static final int POINTS_PRINTED = 20;
  private static final System.Logger LOG = System.getLogger("dev.ctx4j.junit.CancellationSweep");

  final String name;
  final CancellationSweep settings;
  private final ExtensionContext context;
  private final List<Point> points = new ArrayList<>(); // guarded by this
  private final Map<List<Object>, Integer> passes = new HashMap<>(); // guarded by this
  private volatile boolean counted;
  private volatile long seed;

  SweepPlan(String name, CancellationSweep settings, ExtensionContext context) {
    this.name = name;
    this.settings = settings;
    this.context = context;
  }

  /** The count run's listener: records each point, cancels nothing. */
  Sweep.Action count(String operation, StackTraceElement site) {
    synchronized (this) {
      int pass = passes.merge(List.of(operation, site), 1, Integer::sum);
      points.add(new Point(operation, site, pass));
    }
    return Sweep.Action.PASS;
  }

  synchronized int pointCount() {
    return points.size();
  }

  /** The count run passed: the point runs may be made. */
  void counted() {
    counted = true;
  }

  long seed() {
    return seed;
  }

  TestTemplateInvocationContext countRun() {
    return invocation("count: the body once, no cancel, its points counted", null, null, 0);
  }

  /** The runs of every point (or of a seeded sample), each variant; none if the count failed. */
  Stream<TestTemplateInvocationContext> pointRuns() {
    if (!counted) {
      return Stream.empty();
    }
    List<Point> all;
    synchronized (this) {
      all = List.copyOf(points);
    }
    StringBuilder summary = new StringBuilder();
    List<Integer> chosen = choose(all.size(), summary);
    for (int i = 0; i < Math.min(all.size(), POINTS_PRINTED); i++) {
      summary.append(String.format("%n  %d. %s", i + 1, all.get(i)));
    }
    if (all.size() > POINTS_PRINTED) {
      summary.append(String.format("%n  ... and %d more", all.size() - POINTS_PRINTED));
    }
    // The seed must reach the person running the tests: the report entry for build tools and
    // IDEs, the log for the console (every failure message repeats it).
    context.publishReportEntry("ctx4j.sweep", summary.toString());
    LOG.log(System.Logger.Level.INFO, summary.toString());
    List<Sweep.Action> variants =
        settings.deadlines()
            ? List.of(Sweep.Action.CANCEL, Sweep.Action.EXPIRE)
            : List.of(Sweep.Action.CANCEL);
    return chosen.stream()
        .flatMap(
            i ->
                variants.stream()
                    .map(
                        v ->
                            invocation(
                                (v == Sweep.Action.CANCEL ? "cancel" : "deadline")
                                    + " at point "
                                    + (i + 1)
                                    + " of "
                                    + all.size()
                                    + ": "
                                    + all.get(i),
                                all.get(i),
                                v,
                                i + 1)));
  }

  /** Indexes of the points to sweep: all of them, or a seeded sample of {@code maxRuns}. */
  private List<Integer> choose(int n, StringBuilder out) {
    List<Integer> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    if (n <= settings.maxRuns()) {
      out.append(
          String.format("ctx4j sweep: %s: %d point%s, each swept", name, n, n == 1 ? "" : "s"));
      return all;
    }
    seed = settings.seed() != 0 ? settings.seed() : new Random().nextLong();
    Collections.shuffle(all, new Random(seed));
    List<Integer> sample = new ArrayList<>(all.subList(0, settings.maxRuns()));
    Collections.sort(sample);
    out.append(
        String.format(
            "ctx4j sweep: %s: %d points, a sample of %d swept (seed %d; @CancellationSweep(seed ="
                + " %dL) repeats it)",
            name, n, sample.size(), seed, seed));
    return sample;
  }

  private TestTemplateInvocationContext invocation(
      String label, Point point, Sweep.Action action, int ordinal) {
    SweepRun run = new SweepRun(this, point, action, ordinal);
    return new TestTemplateInvocationContext() {
      @Override
      public String getDisplayName(int invocationIndex) {
        return "[" + invocationIndex + "] " + label;
      }

      @Override
      public List<Extension> getAdditionalExtensions() {
        return List.of(run);
      }
    };
  }
}
