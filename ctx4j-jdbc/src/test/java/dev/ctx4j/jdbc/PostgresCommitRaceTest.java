package dev.ctx4j.jdbc;

/** {@link CommitRaceContract} on the local Postgres server. */
class PostgresCommitRaceTest extends CommitRaceContract {
  @Override
  Db db() {
    return Db.POSTGRES;
  }
}
