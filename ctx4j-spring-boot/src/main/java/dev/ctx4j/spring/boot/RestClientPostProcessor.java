package dev.ctx4j.spring.boot;

import dev.ctx4j.http.ContextHttpClient;
import java.net.http.HttpClient;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Gives {@code RestClient.Builder}, {@code RestClient} and {@code RestTemplate} beans the {@link
 * ContextRequestInterceptor}, and (when {@code ctx4j.client.abort} is on) gives builders a JDK
 * request factory whose exchanges are aborted when the context ends. Works on the types of Spring
 * Framework itself, so it is the same on Spring Boot 3 and 4 (whose customizer types moved).
 */
final class RestClientPostProcessor implements BeanPostProcessor {
  private final Ctx4jProperties.Client settings;
  private final ContextRequestInterceptor interceptor;

  RestClientPostProcessor(Ctx4jProperties.Client settings) {
    this.settings = settings;
    this.interceptor = new ContextRequestInterceptor(settings.getHeader(), settings.getMargin());
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof RestClient.Builder builder) {
      configure(builder);
    } else if (bean instanceof RestClient client) {
      RestClient.Builder builder = client.mutate();
      configure(builder);
      return builder.build();
    } else if (bean instanceof RestTemplate template
        && !template.getInterceptors().contains(interceptor)) {
      template.getInterceptors().add(interceptor);
    }
    return bean;
  }

  private void configure(RestClient.Builder builder) {
    builder.requestInterceptors(
        list -> {
          if (!list.contains(interceptor)) {
            list.add(interceptor);
          }
        });
    if (settings.isAbort()) {
      builder.requestFactory(abortingFactory(settings));
    }
  }

  /** A JDK request factory whose exchanges end with {@code Context.current()}. */
  static JdkClientHttpRequestFactory abortingFactory(Ctx4jProperties.Client settings) {
    HttpClient jdk = HttpClient.newHttpClient();
    ContextHttpClient context =
        ContextHttpClient.builder(jdk)
            .header(settings.getHeader())
            .margin(settings.getMargin())
            .build();
    return new JdkClientHttpRequestFactory(new ContextAwareHttpClient(jdk, context));
  }
}
