package dev.ctx4j.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/** {@code ctx4j.client.*}: RestClient and RestTemplate beans carry the budget and stop with it. */
@AutoConfiguration
@ConditionalOnClass(RestClient.class)
@ConditionalOnProperty(
    prefix = "ctx4j.client",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class Ctx4jRestClientAutoConfiguration {
  /** Configures RestClient builders, RestClients and RestTemplates as they are created. */
  @Bean
  static RestClientPostProcessor ctx4jRestClientPostProcessor(Environment environment) {
    Ctx4jProperties.Client settings =
        Binder.get(environment)
            .bind("ctx4j.client", Ctx4jProperties.Client.class)
            .orElseGet(Ctx4jProperties.Client::new);
    return new RestClientPostProcessor(settings);
  }
}
