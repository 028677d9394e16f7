package dev.ctx4j.spring.boot;

import dev.ctx4j.jdbc.ContextDataSource;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** {@code ctx4j.jdbc.*}: data sources whose statements stop with the current context. */
@AutoConfiguration
@ConditionalOnClass({DataSource.class, ContextDataSource.class})
@ConditionalOnProperty(
    prefix = "ctx4j.jdbc",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class Ctx4jDataAutoConfiguration {
  /** Wraps every DataSource bean with ContextDataSource. */
  @Bean
  static DataSourceWrapper ctx4jDataSourceWrapper() {
    return new DataSourceWrapper();
  }
}
