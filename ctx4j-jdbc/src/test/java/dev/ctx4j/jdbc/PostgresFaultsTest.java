package dev.ctx4j.jdbc;

/** {@link DatabaseFaultsContract} on the local Postgres server. */
class PostgresFaultsTest extends DatabaseFaultsContract {
  @Override
  Db db() {
    return Db.POSTGRES;
  }
}
