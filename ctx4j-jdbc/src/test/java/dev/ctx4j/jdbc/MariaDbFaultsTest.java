package dev.ctx4j.jdbc;

/** {@link DatabaseFaultsContract} on the local MariaDb server. */
class MariaDbFaultsTest extends DatabaseFaultsContract {
  @Override
  Db db() {
    return Db.MARIADB;
  }
}
