package dev.ctx4j.bench.load;

import dev.ctx4j.http.ContextFilter;
import dev.ctx4j.http.RequestContextHandler;
import dev.ctx4j.observe.ContextTree;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One server of the load test, in a process of its own: {@code GET /hello} answers {@code hello} (5
 * bytes, text/plain, with a Content-Length). Prints {@code LISTENING <port>} once it serves and
 * stops when its standard input closes.
 *
 * <p>Variants: {@code boot-plain} (Spring Boot 4 on Tomcat, ctx4j's auto-configuration excluded),
 * {@code boot-starter} (the same with the starter), {@code boot-starter-nowatcher} (with {@code
 * ctx4j.http.disconnect-watcher=false}), {@code jetty-plain} (a Jetty 12 core handler), {@code
 * jetty-handler} (the same behind {@link RequestContextHandler}), {@code jetty-handler-nowatcher}
 * (the handler without its HTTP/1.1 disconnect watcher), {@code jetty-servlet} (an ee10 servlet),
 * {@code jetty-filter} (the same servlet behind {@link ContextFilter}), {@code
 * jetty-filter-nowatcher} (the filter without its HTTP/1.1 disconnect watcher). A suffix {@code
 * +trace} turns ctx4j-observe's tracing on.
 */
public final class LoadServer {
  static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  /** ctx4j's auto-configurations, excluded for {@code boot-plain}. */
  static final List<String> CTX4J_AUTO_CONFIGURATIONS =
      List.of(
          "dev.ctx4j.spring.boot.Ctx4jWebAutoConfiguration",
          "dev.ctx4j.spring.boot.Ctx4jDataAutoConfiguration",
          "dev.ctx4j.spring.boot.Ctx4jTaskAutoConfiguration",
          "dev.ctx4j.spring.boot.Ctx4jRestClientAutoConfiguration",
          "dev.ctx4j.spring.boot.Ctx4jObserveAutoConfiguration");

  /** The variants, in the order the load test runs them. */
  static final List<String> VARIANTS =
      List.of(
          "boot-plain",
          "boot-starter",
          "boot-starter-nowatcher",
          "boot-starter+trace",
          "jetty-plain",
          "jetty-handler",
          "jetty-handler-nowatcher",
          "jetty-handler+trace",
          "jetty-servlet",
          "jetty-filter",
          "jetty-filter-nowatcher",
          "jetty-filter+trace");

  private LoadServer() {}

  /**
   * Starts the variant {@code args[0]} on an ephemeral loopback port.
   *
   * @param args the variant
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !VARIANTS.contains(args[0])) {
      System.err.println("usage: LoadServer <variant>, one of " + VARIANTS);
      System.exit(2);
    }
    String variant = args[0];
    boolean trace = variant.endsWith("+trace");
    String base = trace ? variant.substring(0, variant.length() - "+trace".length()) : variant;
    if (trace && !base.startsWith("boot")) {
      ContextTree.enable();
    }
    AutoCloseable server =
        switch (base) {
          case "boot-plain", "boot-starter", "boot-starter-nowatcher" -> boot(base, trace);
          default -> jetty(base);
        };
    try (server) {
      System.out.println("LISTENING " + port(server));
      System.out.flush();
      while (System.in.read() >= 0) {
        // runs until the load test closes our standard input
      }
    }
  }

  private static int port(AutoCloseable server) {
    if (server instanceof JettyServer j) {
      return ((ServerConnector) j.server().getConnectors()[0]).getLocalPort();
    }
    ConfigurableApplicationContext app = (ConfigurableApplicationContext) server;
    return Integer.parseInt(app.getEnvironment().getProperty("local.server.port", "0"));
  }

  private static ConfigurableApplicationContext boot(String variant, boolean trace) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--spring.main.banner-mode=off");
    args.add("--logging.level.root=WARN");
    if (variant.equals("boot-plain")) {
      args.add("--spring.autoconfigure.exclude=" + String.join(",", CTX4J_AUTO_CONFIGURATIONS));
    }
    if (variant.equals("boot-starter-nowatcher")) {
      args.add("--ctx4j.http.disconnect-watcher=false");
    }
    if (trace) {
      args.add("--ctx4j.observe.tracing=true");
    }
    return new SpringApplication(HelloApp.class).run(args.toArray(String[]::new));
  }

  /** A started Jetty server. */
  private record JettyServer(Server server) implements AutoCloseable {
    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("stopping Jetty", e);
      }
    }
  }

  private static JettyServer jetty(String variant) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    Handler handler =
        switch (variant) {
          case "jetty-plain" -> new Hello();
          case "jetty-handler" -> RequestContextHandler.builder().build(new Hello());
          case "jetty-handler-nowatcher" ->
              RequestContextHandler.builder().withoutHttp1DisconnectWatcher().build(new Hello());
          case "jetty-servlet" -> servlets(null);
          case "jetty-filter" -> servlets(ContextFilter.builder().build());
          case "jetty-filter-nowatcher" ->
              servlets(ContextFilter.builder().withoutHttp1DisconnectWatcher().build());
          default -> throw new IllegalArgumentException(variant.toLowerCase(Locale.ROOT));
        };
    server.setHandler(handler);
    server.start();
    return new JettyServer(server);
  }

  private static ServletContextHandler servlets(ContextFilter filter) {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HelloServlet()), "/hello");
    if (filter != null) {
      context.addFilter(
          new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    }
    return context;
  }

  /** The Jetty core handler. */
  private static final class Hello extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, HELLO.length);
      response.write(true, ByteBuffer.wrap(HELLO), callback);
      return true;
    }
  }

  /** The servlet. */
  private static final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.setContentLength(HELLO.length);
      response.getOutputStream().write(HELLO);
    }
  }
}
