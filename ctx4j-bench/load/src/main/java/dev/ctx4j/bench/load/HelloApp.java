package dev.ctx4j.bench.load;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The Spring Boot application of the load test: one trivial controller, nothing else of ours. */
@SpringBootApplication
public class HelloApp {
  /** Answers {@code hello}. */
  @RestController
  public static class HelloController {
    /**
     * The trivial endpoint.
     *
     * @return hello
     */
    @GetMapping(path = "/hello", produces = "text/plain")
    public String hello() {
      return "hello";
    }
  }
}
