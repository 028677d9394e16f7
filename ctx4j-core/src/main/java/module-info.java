/** ctx4j core: Go's {@code context} for Java. Depends on the JDK alone. */
module dev.ctx4j.core {
  exports dev.ctx4j;
}
