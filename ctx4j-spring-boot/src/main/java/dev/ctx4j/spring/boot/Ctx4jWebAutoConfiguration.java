package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.DeadlineHeaders;
import dev.ctx4j.http.TimeoutHeader;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A request context for every request of a servlet web application ({@code ctx4j.http.*}), and for
 * Spring MVC a {@code Context} controller parameter and problem responses for contexts that ended
 * ({@code ctx4j.mvc.*}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Filter.class, ContextFilter.class, FilterRegistrationBean.class})
@ConditionalOnProperty(
    prefix = "ctx4j.http",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(Ctx4jProperties.class)
public class Ctx4jWebAutoConfiguration {
  /** Default filter order: right after Spring's character-encoding filter, before security. */
  static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  /** The parent of every request context, cancelled when the application stops. */
  @Bean
  ServerLifetime ctx4jServerLifetime() {
    return new ServerLifetime();
  }

  /** Client disconnects on embedded Tomcat and Jetty. */
  @Bean
  ContainerDisconnects ctx4jContainerDisconnects(Ctx4jProperties properties) {
    Ctx4jProperties.Http http = properties.getHttp();
    Duration delay = http.getDisconnectWatchDelay();
    return new ContainerDisconnects(
        http.isDisconnectWatcher(),
        http.isTomcatHttp2Resets(),
        delay == null ? Duration.ZERO : delay);
  }

  /** The request-context filter, on requests and their async and error dispatches. */
  @Bean
  FilterRegistrationBean<Filter> ctx4jRequestContextFilter(
      Ctx4jProperties properties,
      ServerLifetime lifetime,
      ContainerDisconnects disconnects,
      ObjectProvider<RequestEnds> ends) {
    Ctx4jProperties.Http http = properties.getHttp();
    List<TimeoutHeader> read = http.getHeaders() == null ? List.of() : http.getHeaders();
    DeadlineHeaders headers = DeadlineHeaders.of(read, TimeoutHeader.CONNECT_TIMEOUT_MS);
    ContextFilter.Builder b =
        ContextFilter.builder()
            .parent(lifetime.context())
            .headers(headers)
            .clientDisconnects(disconnects)
            // On Jetty ee10 the filter's own watcher; the precheck answers malformed headers.
            .ignoreMalformedHeaders();
    if (http.getMaxTimeout() != null) {
      b.maxTimeout(http.getMaxTimeout());
    }
    if (!http.isDisconnectWatcher()) {
      b.withoutHttp1DisconnectWatcher();
    }
    Filter filter =
        new RequestContextFilter(
            b.build(),
            http.isIgnoreMalformedHeaders() ? null : headers,
            ends.orderedStream().toList(),
            lifetime);
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.setName("ctx4jRequestContextFilter");
    registration.setOrder(http.getFilterOrder());
    registration.setAsyncSupported(true);
    registration.setDispatcherTypes(
        DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
    return registration;
  }

  /** Micrometer: {@code ctx4j.cancels} and {@code ctx4j.work.stop} ({@code ctx4j.metrics.*}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnProperty(
      prefix = "ctx4j.metrics",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Metrics {
    @Bean
    RequestEnds ctx4jMeters(ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
      return new Ctx4jMeters(registry);
    }
  }

  /** OpenTelemetry: a span event on the request's span ({@code ctx4j.tracing.*}). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.opentelemetry.api.trace.Span")
  @ConditionalOnProperty(
      prefix = "ctx4j.tracing",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Tracing {
    @Bean
    RequestEnds ctx4jSpanEvents() {
      return new OtelSpanEvents();
    }
  }

  /** Spring MVC: the {@code Context} parameter and problem responses. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebMvcConfigurer.class)
  static class Mvc {
    @Bean
    @ConditionalOnProperty(
        prefix = "ctx4j.mvc",
        name = "context-argument",
        havingValue = "true",
        matchIfMissing = true)
    WebMvcConfigurer ctx4jContextArgument() {
      return new WebMvcConfigurer() {
        @Override
        public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
          resolvers.add(new ContextArgumentResolver());
        }
      };
    }

    @Bean
    @ConditionalOnProperty(
        prefix = "ctx4j.mvc",
        name = "problems",
        havingValue = "true",
        matchIfMissing = true)
    ContextProblems ctx4jContextProblems() {
      return new ContextProblems();
    }
  }
}
