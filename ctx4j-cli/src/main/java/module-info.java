/** The ctx4j command line. */
module dev.ctx4j.cli {
  requires dev.ctx4j.core;
  requires dev.ctx4j.lint;
}
