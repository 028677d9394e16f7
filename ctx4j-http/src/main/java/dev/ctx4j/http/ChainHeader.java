package dev.ctx4j.http;

import dev.ctx4j.Context;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code Ctx4j-Parent} header: which context in the calling service a request came from, so a
 * propagation chain can be followed from one service into the next (ADR 0091).
 *
 * <p>Sent by {@link ContextHttpClient} while tracing is on (nothing is sent while it is off). Its
 * value is the sender's context ref, {@code <process>.<context>}: a process tag of 1 to 13
 * lower-case base-36 characters, a dash and 1 to 4 more, then a dot and 1 to 8 lower-case hex
 * digits, e.g. {@code 1x3k-9f.5e2a1b7}; 64 characters at most. Read by {@link
 * RequestContextHandler} and {@link ContextFilter}: a value that does not match exactly, a header
 * sent twice, or an oversized value is ignored — the request is served all the same, without a
 * remote parent. The value is shown in chains and never trusted for anything else.
 *
 * <p>A request that already carries a valid W3C {@code traceparent} gets no {@code Ctx4j-Parent}:
 * the receiver records the traceparent as its remote parent, the sender which context sent it (ADR
 * 0092). A {@code Ctx4j-Parent} received wins over a traceparent.
 */
final class ChainHeader {
  static final String NAME = "Ctx4j-Parent";
  static final int MAX_LENGTH = Trace.MAX_REF_LENGTH;

  private ChainHeader() {}

  /** The remote parent {@code values} (a header's values) names, or null if none or malformed. */
  static String parse(List<String> values) {
    if (values == null || values.size() != 1) {
      return null;
    }
    return Trace.validRef(values.get(0));
  }

  /**
   * The remote parent of a request: its {@code Ctx4j-Parent} header if valid, else its W3C {@code
   * traceparent} if valid (sent once, well formed: {@link Trace#traceparent}), else null.
   */
  static String remoteParent(Function<String, List<String>> headers) {
    String ref = parse(headers.apply(NAME));
    if (ref != null) {
      return ref;
    }
    List<String> tp = headers.apply(Trace.TRACEPARENT);
    return tp == null || tp.size() != 1 ? null : Trace.traceparent(tp.get(0));
  }

  /**
   * Records that {@code ctx}, a request context, serves {@code method path} and came from the
   * context the request's header names (if any).
   */
  static void received(
      Context ctx, Function<String, List<String>> headers, String method, String path) {
    if (dev.ctx4j.Tracing.isOn()) {
      Trace.received(ctx, remoteParent(headers), method + " " + path);
    }
  }

  /**
   * {@code request} with the header naming {@code ctx}, while tracing is on; else {@code request}.
   * A request that already carries one valid {@code traceparent} (an OpenTelemetry-instrumented
   * caller) is sent as it is: the receiver records the traceparent, and this side records which
   * context sent it (ADR 0092).
   */
  static HttpRequest withParent(Context ctx, HttpRequest request) {
    if (!dev.ctx4j.Tracing.isOn()) {
      return request;
    }
    List<String> tp = request.headers().allValues(Trace.TRACEPARENT);
    String via = tp.size() == 1 ? Trace.traceparent(tp.get(0)) : null;
    if (via != null && request.headers().firstValue(NAME).isEmpty()) {
      Trace.sent(ctx, label(request), via);
      return request;
    }
    String ref = Trace.sent(ctx, label(request));
    if (ref == null) {
      return request;
    }
    return HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase(NAME))
        .header(NAME, ref)
        .build();
  }

  /** The exchange of {@code request}, run in {@code ctx}, was aborted because ctx ended. */
  static void aborted(Context ctx, HttpRequest request) {
    Trace.stopped(ctx, HopKind.EXCHANGE_ABORTED, "", label(request));
  }

  static String label(HttpRequest request) {
    URI u = request.uri();
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return request.method() + " " + path;
  }
}
