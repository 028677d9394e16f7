package dev.ctx4j.lint;

/** One analysis; implementations are stateless and report through a {@link Sink}. */
interface Check {
  /** The id users see, suppress and select; part of the contract. */
  String id();

  /** One sentence: what the check finds. */
  String summary();

  /** Reports this check's findings in one file that uses ctx4j. */
  void run(Unit unit, Project project, Sink sink);
}
