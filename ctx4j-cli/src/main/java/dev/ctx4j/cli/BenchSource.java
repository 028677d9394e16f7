package dev.ctx4j.cli;

import java.util.Optional;

/**
 * Where a benchmark figure comes from: the JMH class that measured it, which implementation that
 * class runs and which suite its shapes belong to. A class missing here is reported as a problem of
 * the run, never guessed from its name.
 */
enum BenchSource {
  GO_PARITY("GoParityBenchmark", BenchTable.CTX4J, Suite.GO_PARITY, ""),
  GRPC_GO_PARITY("GrpcGoParityBenchmark", BenchTable.GRPC, Suite.GO_PARITY, ""),
  PROPAGATION("PropagationBenchmark", BenchTable.CTX4J, Suite.PROPAGATION, ""),
  GRPC_PROPAGATION("GrpcPropagationBenchmark", BenchTable.GRPC, Suite.PROPAGATION, ""),
  FLOOR("FloorBenchmark", BenchTable.FLOOR, Suite.PROPAGATION, ""),
  /**
   * Its methods are shown with a {@code tracing} prefix: {@code childCreate → tracingChildCreate}.
   */
  TRACING("TracingBenchmark", BenchTable.CTX4J, Suite.TRACING, "tracing"),
  CURRENT_BINDING("CurrentBindingBenchmark", BenchTable.CTX4J, Suite.PROPAGATION, ""),
  TASK_GROUP("TaskGroupBenchmark", BenchTable.CTX4J, Suite.PROPAGATION, ""),
  /** The JVM peers (ADR 0140) share ctx4j's rows and leave their suite as ctx4j's class set it. */
  KOTLIN_PEER("KotlinPeerBenchmark", BenchTable.KOTLIN, null, ""),
  STRUCTURED_SCOPE("StructuredScopeBenchmark", BenchTable.JDK, null, "");

  /** Groups of shapes that targets select as a whole. */
  enum Suite {
    /** The ports of Go's {@code context/benchmark_test.go}. */
    GO_PARITY,
    /** Wake, fan-out, timers, churn, values, floors. */
    PROPAGATION,
    /** The same shapes with tracing off and on. */
    TRACING,
    /** Retained bytes, allocation and idle CPU from the footprint probes. */
    FOOTPRINT
  }

  final String jmhClass;
  final String impl;
  final Suite suite;
  private final String prefix;

  BenchSource(String jmhClass, String impl, Suite suite, String prefix) {
    this.jmhClass = jmhClass;
    this.impl = impl;
    this.suite = suite;
    this.prefix = prefix;
  }

  /** The source of a JMH class's simple name, if it is known. */
  static Optional<BenchSource> ofClass(String simpleName) {
    for (BenchSource s : values()) {
      if (s.jmhClass.equals(simpleName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The row name a method of this class is shown under. */
  String bench(String method) {
    return prefix.isEmpty()
        ? method
        : prefix + Character.toUpperCase(method.charAt(0)) + method.substring(1);
  }
}
