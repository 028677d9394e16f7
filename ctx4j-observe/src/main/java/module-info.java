/** ctx4j observe: snapshots of the live context tree, renderers, the debug endpoint, JFR chains. */
module dev.ctx4j.observe {
  requires transitive dev.ctx4j.core;
  requires jdk.jfr;
  requires jdk.httpserver;

  exports dev.ctx4j.observe;

  provides dev.ctx4j.internal.TraceSink with
      dev.ctx4j.observe.ObserveSink;
}
