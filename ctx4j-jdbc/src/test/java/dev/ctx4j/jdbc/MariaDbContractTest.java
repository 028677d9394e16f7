package dev.ctx4j.jdbc;

/**
 * {@link DatabaseContract} on MariaDB at 127.0.0.1:3306, database {@code test}, user {@code root}.
 */
class MariaDbContractTest extends DatabaseContract {
  @Override
  Db db() {
    return Db.MARIADB;
  }
}
