package dev.ctx4j.jdbc;

/** {@link CommitRaceContract} on the local MariaDb server. */
class MariaDbCommitRaceTest extends CommitRaceContract {
  @Override
  Db db() {
    return Db.MARIADB;
  }
}
