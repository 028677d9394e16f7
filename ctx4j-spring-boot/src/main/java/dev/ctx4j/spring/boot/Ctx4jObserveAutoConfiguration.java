package dev.ctx4j.spring.boot;

import dev.ctx4j.observe.ContextTree;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * ctx4j-observe in a Spring Boot application: the actuator endpoint {@code ctx4j} and, with {@code
 * ctx4j.observe.tracing=true}, tracing turned on at startup and the {@code ctx4j.contexts.live}
 * gauge.
 */
@AutoConfiguration
@ConditionalOnClass(ContextTree.class)
public class Ctx4jObserveAutoConfiguration {
  /** The actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class Actuator {
    @Bean
    Ctx4jEndpoint ctx4jEndpoint() {
      return new Ctx4jEndpoint();
    }
  }

  /** Tracing on, and the live-contexts gauge when Micrometer is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "ctx4j.observe", name = "tracing", havingValue = "true")
  static class Tracing {
    Tracing() {
      ContextTree.enable();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class LiveGauge {
      @Bean
      io.micrometer.core.instrument.binder.MeterBinder ctx4jLiveContexts() {
        return registry ->
            io.micrometer.core.instrument.Gauge.builder(
                    "ctx4j.contexts.live", () -> ContextTree.snapshot(1).live())
                .description("Live cancellable contexts ctx4j-observe traces")
                .register(registry);
      }
    }
  }
}
