package dev.ctx4j.spring.boot;

import dev.ctx4j.http.TimeoutHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the ctx4j Spring Boot integration, under {@code ctx4j.*}. */
@ConfigurationProperties("ctx4j")
public class Ctx4jProperties {
  private final Http http = new Http();
  private final Mvc mvc = new Mvc();
  private final Jdbc jdbc = new Jdbc();
  private final Task task = new Task();
  private final Client client = new Client();
  private final Metrics metrics = new Metrics();
  private final Tracing tracing = new Tracing();
  private final Observe observe = new Observe();

  /** ctx4j-observe. */
  public Observe getObserve() {
    return observe;
  }

  /** {@code ctx4j.observe.*}. */
  public static class Observe {
    /**
     * Whether ctx4j tracing is turned on at startup (the live tree and chains of the actuator
     * endpoint ctx4j, and the ctx4j.contexts.live gauge). Costs time on every context created.
     */
    private boolean tracing;

    public boolean isTracing() {
      return tracing;
    }

    public void setTracing(boolean tracing) {
      this.tracing = tracing;
    }
  }

  /** Micrometer meters. */
  public Metrics getMetrics() {
    return metrics;
  }

  /** OpenTelemetry span events. */
  public Tracing getTracing() {
    return tracing;
  }

  /** {@code ctx4j.metrics.*}. */
  public static class Metrics {
    /**
     * Whether ctx4j.cancels (by kind and origin) and ctx4j.work.stop are recorded, when Micrometer
     * and a MeterRegistry are present.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code ctx4j.tracing.*}. */
  public static class Tracing {
    /**
     * Whether a request context that ends early adds a ctx4j.cancel event to the request's span,
     * when the OpenTelemetry API is present.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Incoming requests. */
  public Http getHttp() {
    return http;
  }

  /** Spring MVC controllers. */
  public Mvc getMvc() {
    return mvc;
  }

  /** JDBC data sources. */
  public Jdbc getJdbc() {
    return jdbc;
  }

  /** Spring's task executors. */
  public Task getTask() {
    return task;
  }

  /** Outbound calls through RestClient and RestTemplate. */
  public Client getClient() {
    return client;
  }

  /** {@code ctx4j.http.*}: the request context of each incoming request. */
  public static class Http {
    /** Whether each request gets its own context (bound as Context.current()). */
    private boolean enabled = true;

    /**
     * The longest a request may run: caps the timeout a header asks for, and is the timeout of
     * requests without one. Unset: no cap.
     */
    private Duration maxTimeout;

    /** Whether a malformed timeout header is ignored instead of answered with 400. */
    private boolean ignoreMalformedHeaders;

    /** The timeout headers read, in the order they are checked; the smallest timeout wins. */
    private List<TimeoutHeader> headers =
        new ArrayList<>(
            List.of(
                TimeoutHeader.CONNECT_TIMEOUT_MS,
                TimeoutHeader.GRPC_TIMEOUT,
                TimeoutHeader.ENVOY_EXPECTED_RQ_TIMEOUT_MS));

    /**
     * Whether a client that closes its HTTP/1.x connection while a request computes ends the
     * request context (one watcher thread; Tomcat and Jetty, plain TCP).
     */
    private boolean disconnectWatcher = true;

    /**
     * Whether an HTTP/2 client that resets its stream, or whose connection ends, ends the request
     * context on Tomcat (a forwarding hook on the stream; no thread).
     */
    private boolean tomcatHttp2Resets = true;

    /**
     * How long an HTTP/1.x request runs before the disconnect watcher watches its connection, on
     * Tomcat and Jetty 12 ee11: requests answered sooner cost the watcher nothing; a client that
     * left meanwhile is seen when the watch starts. Zero watches at once.
     */
    private Duration disconnectWatchDelay = Duration.ofMillis(10);

    /** The order of the request-context filter among the servlet filters. */
    private int filterOrder = Ctx4jWebAutoConfiguration.FILTER_ORDER;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getMaxTimeout() {
      return maxTimeout;
    }

    public void setMaxTimeout(Duration maxTimeout) {
      this.maxTimeout = maxTimeout;
    }

    public boolean isIgnoreMalformedHeaders() {
      return ignoreMalformedHeaders;
    }

    public void setIgnoreMalformedHeaders(boolean ignoreMalformedHeaders) {
      this.ignoreMalformedHeaders = ignoreMalformedHeaders;
    }

    public List<TimeoutHeader> getHeaders() {
      return headers;
    }

    public void setHeaders(List<TimeoutHeader> headers) {
      this.headers = headers;
    }

    public boolean isDisconnectWatcher() {
      return disconnectWatcher;
    }

    public void setDisconnectWatcher(boolean disconnectWatcher) {
      this.disconnectWatcher = disconnectWatcher;
    }

    public Duration getDisconnectWatchDelay() {
      return disconnectWatchDelay;
    }

    public void setDisconnectWatchDelay(Duration disconnectWatchDelay) {
      this.disconnectWatchDelay = disconnectWatchDelay;
    }

    public boolean isTomcatHttp2Resets() {
      return tomcatHttp2Resets;
    }

    public void setTomcatHttp2Resets(boolean tomcatHttp2Resets) {
      this.tomcatHttp2Resets = tomcatHttp2Resets;
    }

    public int getFilterOrder() {
      return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
      this.filterOrder = filterOrder;
    }
  }

  /** {@code ctx4j.mvc.*}: what Spring MVC controllers see. */
  public static class Mvc {
    /** Whether a controller method may declare a Context parameter. */
    private boolean contextArgument = true;

    /**
     * Whether a ContextException escaping a controller becomes an RFC 9457 problem response (504
     * deadline, 503 server stopping or cancelled; nothing written to a client that left).
     */
    private boolean problems = true;

    public boolean isContextArgument() {
      return contextArgument;
    }

    public void setContextArgument(boolean contextArgument) {
      this.contextArgument = contextArgument;
    }

    public boolean isProblems() {
      return problems;
    }

    public void setProblems(boolean problems) {
      this.problems = problems;
    }
  }

  /** {@code ctx4j.jdbc.*}: data sources. */
  public static class Jdbc {
    /**
     * Whether DataSource beans are wrapped with ContextDataSource, so statements stop when the
     * current context ends.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code ctx4j.task.*}: executors. */
  public static class Task {
    /**
     * Whether a TaskDecorator runs tasks of Spring's executors (and @Async methods) under the
     * context current where they were submitted.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code ctx4j.client.*}: RestClient and RestTemplate. */
  public static class Client {
    /** Whether RestClient and RestTemplate beans send the remaining budget of the context. */
    private boolean enabled = true;

    /** The header that carries the remaining budget. */
    private TimeoutHeader header = TimeoutHeader.CONNECT_TIMEOUT_MS;

    /** Subtracted from the remaining budget before it is sent, for the time on the wire. */
    private Duration margin = Duration.ofMillis(5);

    /**
     * Whether RestClient.Builder beans use a JDK HttpClient request factory whose exchanges are
     * aborted when the context ends (replaces the factory Boot chose for those builders).
     */
    private boolean abort = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public TimeoutHeader getHeader() {
      return header;
    }

    public void setHeader(TimeoutHeader header) {
      this.header = header;
    }

    public Duration getMargin() {
      return margin;
    }

    public void setMargin(Duration margin) {
      this.margin = margin;
    }

    public boolean isAbort() {
      return abort;
    }

    public void setAbort(boolean abort) {
      this.abort = abort;
    }
  }
}
