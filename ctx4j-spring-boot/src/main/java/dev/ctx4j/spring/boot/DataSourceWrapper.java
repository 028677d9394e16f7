package dev.ctx4j.spring.boot;

import dev.ctx4j.jdbc.ContextDataSource;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

/**
 * Wraps every {@link DataSource} bean with {@link ContextDataSource}, so statements run by {@code
 * JdbcTemplate}, {@code JdbcClient}, Spring Data JDBC or JPA under a context stop when it ends. The
 * wrapped pool is still closed with the application context: the wrapper has no {@code close()} of
 * its own, so this post-processor closes the original.
 */
final class DataSourceWrapper implements DestructionAwareBeanPostProcessor {
  private static final System.Logger LOG = System.getLogger(DataSourceWrapper.class.getName());

  private final Map<Object, DataSource> originals =
      Collections.synchronizedMap(new IdentityHashMap<>());

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSource ds && !(bean instanceof ContextDataSource)) {
      ContextDataSource wrapped = ContextDataSource.wrap(ds);
      originals.put(wrapped, ds);
      return wrapped;
    }
    return bean;
  }

  @Override
  public boolean requiresDestruction(Object bean) {
    return originals.containsKey(bean);
  }

  @Override
  public void postProcessBeforeDestruction(Object bean, String beanName) {
    DataSource original = originals.remove(bean);
    if (original instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing data source " + beanName + " failed", e);
      }
    }
  }
}
