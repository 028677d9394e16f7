package dev.ctx4j.jdbc;

/** {@link DatabaseContract} on H2, embedded (in memory): runs on every machine. */
class H2ContractTest extends DatabaseContract {
  @Override
  Db db() {
    return Db.H2;
  }
}
