/** ctx4j core: Go's {@code context} for Java. Depends on the JDK alone. */
@SuppressWarnings("module") // the qualified export names modules that are built after this one
module dev.ctx4j.core {
  requires jdk.jfr;

  exports dev.ctx4j;
  exports dev.ctx4j.internal to
      dev.ctx4j.jdbc,
      dev.ctx4j.grpc,
      dev.ctx4j.http;

  uses dev.ctx4j.Tracing.Sink;
}
