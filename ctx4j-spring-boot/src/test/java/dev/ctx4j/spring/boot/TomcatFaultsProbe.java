package dev.ctx4j.spring.boot;

import dev.ctx4j.Context;
import jakarta.servlet.Filter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * {@link TomcatFaultsTest}'s probes, in a class of their own so that the test class names no Tomcat
 * type (the Jetty run of this module loads it without Tomcat on the class path): a filter after
 * ctx4j's that counts the requests reaching the chain and their live contexts.
 */
@TestConfiguration
class TomcatFaultsProbe {
  @Bean
  FilterRegistrationBean<Filter> faultsProbe() {
    Filter probe =
        (request, response, chain) -> {
          TomcatFaultsTest.CREATED.incrementAndGet();
          TomcatFaultsTest.LIVE.incrementAndGet();
          var unused =
              Context.current().afterDone(TomcatFaultsTest.LIVE::decrementAndGet, Runnable::run);
          chain.doFilter(request, response);
        };
    FilterRegistrationBean<Filter> bean = new FilterRegistrationBean<>(probe);
    bean.setOrder(Ordered.LOWEST_PRECEDENCE); // after ctx4j's filter: Context.current() is ours
    return bean;
  }
}
