package dev.ctx4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.DeadlineExceededException;
import dev.ctx4j.jdbc.ContextDataSource;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Each feature's bean, its switch, and the pieces that need no server. */
class AutoConfigurationTest {
  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  Ctx4jWebAutoConfiguration.class,
                  Ctx4jDataAutoConfiguration.class,
                  Ctx4jTaskAutoConfiguration.class,
                  Ctx4jRestClientAutoConfiguration.class));

  @Test
  void defaults_everyFeatureOn() {
    web.run(
        ctx -> {
          assertEquals(1, ctx.getBeansOfType(FilterRegistrationBean.class).size());
          assertNotNull(ctx.getBean(ContextProblems.class));
          assertNotNull(ctx.getBean("ctx4jContextArgument", WebMvcConfigurer.class));
          assertInstanceOf(ContextTaskDecorator.class, ctx.getBean(TaskDecorator.class));
          assertNotNull(ctx.getBean(DataSourceWrapper.class));
          assertNotNull(ctx.getBean(RestClientPostProcessor.class));
          assertInstanceOf(Ctx4jMeters.class, ctx.getBean("ctx4jMeters"));
          assertInstanceOf(OtelSpanEvents.class, ctx.getBean("ctx4jSpanEvents"));
        });
  }

  @Test
  void switches_eachFeatureOff() {
    web.withPropertyValues(
            "ctx4j.http.enabled=false",
            "ctx4j.jdbc.enabled=false",
            "ctx4j.task.enabled=false",
            "ctx4j.client.enabled=false")
        .run(
            ctx -> {
              assertTrue(ctx.getBeansOfType(FilterRegistrationBean.class).isEmpty());
              assertTrue(ctx.getBeansOfType(ContextProblems.class).isEmpty());
              assertTrue(ctx.getBeansOfType(TaskDecorator.class).isEmpty());
              assertTrue(ctx.getBeansOfType(DataSourceWrapper.class).isEmpty());
              assertTrue(ctx.getBeansOfType(RestClientPostProcessor.class).isEmpty());
            });
    web.withPropertyValues(
            "ctx4j.mvc.problems=false",
            "ctx4j.mvc.context-argument=false",
            "ctx4j.metrics.enabled=false",
            "ctx4j.tracing.enabled=false")
        .run(
            ctx -> {
              assertFalse(ctx.containsBean("ctx4jMeters"));
              assertFalse(ctx.containsBean("ctx4jSpanEvents"));
              assertEquals(1, ctx.getBeansOfType(FilterRegistrationBean.class).size());
              assertTrue(ctx.getBeansOfType(ContextProblems.class).isEmpty());
              assertFalse(ctx.containsBean("ctx4jContextArgument"));
            });
  }

  @Test
  void badMaxTimeout_startupFailsNamingIt() {
    web.withPropertyValues("ctx4j.http.max-timeout=-5s")
        .run(
            ctx -> {
              Throwable t = ctx.getStartupFailure();
              assertNotNull(t);
              StringBuilder messages = new StringBuilder();
              for (Throwable c = t; c != null; c = c.getCause()) {
                messages.append(c.getMessage()).append('\n');
              }
              assertTrue(messages.toString().contains("maxTimeout"), messages.toString());
            });
  }

  @Test
  void observe_endpointAlways_tracingAndLiveGaugeOnlyWhenAsked() {
    ApplicationContextRunner runner =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(Ctx4jObserveAutoConfiguration.class));
    runner.run(
        ctx -> {
          assertNotNull(ctx.getBean(Ctx4jEndpoint.class));
          assertFalse(ctx.containsBean("ctx4jLiveContexts"));
        });
    runner
        .withPropertyValues("ctx4j.observe.tracing=true")
        .run(
            ctx -> {
              var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
              ctx.getBean(io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(registry);
              try (CancellableContext c = Context.background().withCancel()) {
                double live = registry.get("ctx4j.contexts.live").gauge().value();
                assertTrue(live >= 1, "a live traced context is counted: " + live);
              }
            });
  }

  @Test
  void userTaskDecorator_kept() {
    web.withBean("mine", TaskDecorator.class, () -> r -> r)
        .run(ctx -> assertFalse(ctx.getBean(TaskDecorator.class) instanceof ContextTaskDecorator));
  }

  @Configuration(proxyBeanMethods = false)
  static class Pool {
    static HikariDataSource original;

    @Bean
    HikariDataSource dataSource() {
      HikariDataSource ds = new HikariDataSource();
      ds.setJdbcUrl("jdbc:h2:mem:ctx4j_spring_wrap");
      original = ds;
      return ds;
    }
  }

  @Test
  void dataSource_wrapped_originalClosedWithContext() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(Ctx4jDataAutoConfiguration.class))
        .withUserConfiguration(Pool.class)
        .run(
            ctx -> {
              assertInstanceOf(ContextDataSource.class, ctx.getBean(DataSource.class));
              try (var c = ctx.getBean(DataSource.class).getConnection()) {
                assertTrue(c.isValid(1));
              }
              assertFalse(Pool.original.isClosed());
            });
    assertTrue(Pool.original.isClosed(), "the pool outlived its application context");
  }

  @Test
  void taskDecorator_runsUnderSubmittersContext() {
    try (CancellableContext c = Context.background().withTimeout(Duration.ofSeconds(30))) {
      CompletableFuture<Context> seen = new CompletableFuture<>();
      Runnable task =
          c.call(() -> new ContextTaskDecorator().decorate(() -> seen.complete(Context.current())));
      Thread.ofVirtual().start(task).join();
      assertEquals(c.deadline(), seen.join().deadline());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A server that receives a request and never answers it, until released. */
  @Test
  void restClientAndTemplate_budgetSent_jdkExchangeAbortedAtDeadline() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    CompletableFuture<String> budget = new CompletableFuture<>();
    CountDownLatch release = new CountDownLatch(1);
    server.createContext(
        "/",
        exchange -> {
          budget.complete(exchange.getRequestHeaders().getFirst("Connect-Timeout-Ms"));
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "late".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    try {
      Ctx4jProperties.Client settings = new Ctx4jProperties.Client();
      RestClientPostProcessor processor = new RestClientPostProcessor(settings);
      RestClient.Builder builder =
          (RestClient.Builder) processor.postProcessAfterInitialization(RestClient.builder(), "b");
      RestClient client = builder.build();
      long t0 = System.nanoTime();
      try (CancellableContext c = Context.background().withTimeout(Duration.ofMillis(2000))) {
        assertThrows(
            DeadlineExceededException.class,
            () -> c.call(() -> client.get().uri(url).retrieve().body(String.class)));
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      // The server holds the exchange for 30 s: returning near the 2 s deadline means it was
      // aborted.
      assertTrue(ms < 10_000, "the exchange was not aborted: " + ms + " ms");
      long sent = Long.parseLong(budget.get(10, TimeUnit.SECONDS));
      assertTrue(sent > 0 && sent <= 2000, "budget " + sent);

      RestTemplate template =
          (RestTemplate) processor.postProcessAfterInitialization(new RestTemplate(), "t");
      assertEquals(1, template.getInterceptors().size());
      processor.postProcessAfterInitialization(template, "t");
      assertEquals(1, template.getInterceptors().size(), "interceptor added twice");
    } finally {
      release.countDown();
      server.stop(0);
    }
  }
}
