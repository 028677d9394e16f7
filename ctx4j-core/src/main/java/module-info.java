/** ctx4j core: Go's {@code context} for Java. Depends on the JDK alone. */
module dev.ctx4j.core {
  requires jdk.jfr;

  exports dev.ctx4j;

  uses dev.ctx4j.Tracing.Sink;
}
