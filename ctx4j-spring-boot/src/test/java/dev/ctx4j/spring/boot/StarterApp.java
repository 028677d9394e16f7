package dev.ctx4j.spring.boot;

import dev.ctx4j.spring.boot.app.TestApp;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The test application on a random port, HTTP/1.1 and h2c: one configuration, so every test class
 * that carries it shares one application context and one server (Spring's test context cache).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("server")
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"ctx4j.http.max-timeout=20s", "server.http2.enabled=true"})
@interface StarterApp {}
