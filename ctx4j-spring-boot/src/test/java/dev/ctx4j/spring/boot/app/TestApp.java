package dev.ctx4j.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * The application the tests start: no ctx4j code at all in its configuration; ctx4j comes from the
 * auto-configuration on the class path. Its controllers use ctx4j types only where a user would (a
 * {@code Context} parameter, catching a {@code ContextException}).
 */
@SpringBootApplication
@EnableAsync
public class TestApp {}
