package dev.ctx4j.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;

/**
 * {@code ctx4j.task.*}: Spring Boot's task executors (and so {@code @Async} methods) run tasks
 * under the submitter's context. Boot applies a single {@link TaskDecorator} bean; an application
 * that declares its own keeps it, and this one is not created.
 */
@AutoConfiguration
@ConditionalOnProperty(
    prefix = "ctx4j.task",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class Ctx4jTaskAutoConfiguration {
  /** The decorator Boot's executor builders pick up. */
  @Bean
  @ConditionalOnMissingBean(TaskDecorator.class)
  TaskDecorator ctx4jTaskDecorator() {
    return new ContextTaskDecorator();
  }
}
