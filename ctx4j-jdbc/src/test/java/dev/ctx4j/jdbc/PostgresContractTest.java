package dev.ctx4j.jdbc;

/**
 * {@link DatabaseContract} on PostgreSQL at 127.0.0.1:5432, database {@code test}, user {@code
 * postgres}.
 */
class PostgresContractTest extends DatabaseContract {
  @Override
  Db db() {
    return Db.POSTGRES;
  }
}
