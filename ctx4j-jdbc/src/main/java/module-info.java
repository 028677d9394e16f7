/**
 * ctx4j for JDBC: {@link dev.ctx4j.jdbc.ContextDataSource} makes statements and connection
 * acquisition honour {@link dev.ctx4j.Context#current()}.
 */
module dev.ctx4j.jdbc {
  requires transitive dev.ctx4j.core;
  requires transitive java.sql;

  exports dev.ctx4j.jdbc;
}
