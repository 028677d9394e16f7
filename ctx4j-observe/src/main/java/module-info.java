/** ctx4j observe: snapshots of the live context tree, renderers, the debug endpoint, JFR chains. */
@SuppressWarnings("module") // the modules the internal package is exported to are built later
module dev.ctx4j.observe {
  requires transitive dev.ctx4j.core;
  requires jdk.jfr;
  requires jdk.httpserver;

  exports dev.ctx4j.observe;
  // ctx4j's one JSON escape, for its own writers (ADR 0112): not public API.
  exports dev.ctx4j.observe.internal to
      dev.ctx4j.lint,
      dev.ctx4j.cli;

  provides dev.ctx4j.internal.TraceSink with
      dev.ctx4j.observe.ObserveSink;
}
