/**
 * JMH benchmarks of ctx4j next to grpc-java's Context, kotlinx.coroutines and Go. Runs from the
 * shaded {@code benchmarks.jar} on the class path; nothing depends on this module, so it exports
 * nothing.
 */
module dev.ctx4j.bench {
  requires dev.ctx4j.core;
  requires jmh.core;
  requires io.grpc;
  requires kotlinx.coroutines.core;
  requires java.management;
  requires jdk.management;
  requires java.logging;
}
