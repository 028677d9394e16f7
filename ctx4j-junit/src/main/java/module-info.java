/**
 * ctx4j for tests: Go's goleak for contexts, broken-chain and chain assertions, the cancellation
 * sweep. The {@code internal} package is test support for ctx4j's own integration tests, exported
 * to them alone.
 */
@SuppressWarnings("module") // the modules the internal package is exported to are built later
module dev.ctx4j.junit {
  requires transitive dev.ctx4j.observe;
  requires transitive org.junit.jupiter.api;

  exports dev.ctx4j.junit;
  exports dev.ctx4j.junit.internal to
      dev.ctx4j.http,
      dev.ctx4j.jdbc,
      dev.ctx4j.grpc;
}
