/** ctx4j core: Go's {@code context} for Java. Depends on the JDK alone. */
@SuppressWarnings("module") // the modules the seam is exported to are built after core
module dev.ctx4j.core {
  requires jdk.jfr;

  exports dev.ctx4j;
  // The one internal seam to the observability module and the integrations that report hops
  // (ADR 0090): not public API.
  exports dev.ctx4j.internal to
      dev.ctx4j.observe,
      dev.ctx4j.http,
      dev.ctx4j.jdbc,
      dev.ctx4j.grpc,
      dev.ctx4j.junit;

  uses dev.ctx4j.internal.TraceSink;
}
