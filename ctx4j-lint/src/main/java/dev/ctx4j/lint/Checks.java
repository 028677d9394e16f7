package dev.ctx4j.lint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The registry of checks and the entry point that runs them over a {@link Project}. */
final class Checks {
  private Checks() {}

  static final String PARSE_ERROR = "parse-error";

  /** Every check, in the order of the documentation. */
  static final List<Check> ALL =
      List.of(
          new LostCancelCheck(),
          new BrokenChainCheck(),
          new ContextInFieldCheck(),
          new BlockingWithoutContextCheck(),
          new FatContextCheck(),
          new KeyPerCallCheck());

  /** Every check id, including {@code parse-error}. */
  static final List<String> IDS = ids();

  private static List<String> ids() {
    List<String> ids = new ArrayList<>(ALL.stream().map(Check::id).toList());
    ids.add(PARSE_ERROR);
    return List.copyOf(ids);
  }

  static String summary(String id) {
    if (id.equals(PARSE_ERROR)) {
      return "A file does not parse; analysis continues with the rest.";
    }
    return ALL.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow().summary();
  }

  /**
   * Parses the selection of check ids.
   *
   * @throws IllegalArgumentException naming the unknown id
   */
  static Set<String> select(Collection<String> ids) {
    Set<String> out = new LinkedHashSet<>();
    for (String id : ids) {
      String t = id.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!IDS.contains(t)) {
        throw new IllegalArgumentException(
            "checks: unknown check '" + t + "'; known: " + String.join(", ", IDS));
      }
      out.add(t);
    }
    return out.isEmpty() ? new LinkedHashSet<>(IDS) : out;
  }

  private static final System.Logger LOG = System.getLogger(Checks.class.getName());

  /** A check that fails on code it does not understand loses that file, never the run. */
  private static void runOne(Check c, Unit u, Project project, List<Finding> out) {
    List<Finding> mine = new ArrayList<>();
    try {
      c.run(u, project, new Sink(c.id(), u, mine));
      out.addAll(mine);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(System.Logger.Level.WARNING, "check " + c.id() + " skipped " + u.path(), e);
    }
  }

  /** Runs the selected checks over every file that uses ctx4j; findings come out sorted. */
  static List<Finding> run(Project project, Set<String> selected) {
    List<Finding> out = new ArrayList<>();
    if (selected.contains(PARSE_ERROR)) {
      out.addAll(project.parseErrors());
    }
    for (Unit u : project.units()) {
      if (!u.usesCtx4j()) {
        continue;
      }
      for (Check c : ALL) {
        if (selected.contains(c.id())) {
          runOne(c, u, project, out);
        }
      }
    }
    out.sort(Finding.ORDER);
    return out;
  }
}
