package dev.ctx4j.grpc;

import dev.ctx4j.Context;
import dev.ctx4j.Tracing;
import dev.ctx4j.internal.HopKind;
import dev.ctx4j.internal.Trace;
import io.grpc.Metadata;

/**
 * The steps of a propagation chain this module reports while tracing is on (otherwise each call is
 * one read): a client call cancelled (the stream reset sent) and a server call the client or the
 * transport ended (the stream reset received).
 */
final class ChainHops {
  /**
   * The metadata key carrying the calling context's ref, as the {@code Ctx4j-Parent} HTTP header
   * does: sent while tracing is on; a malformed, oversized or repeated value is ignored.
   */
  static final Metadata.Key<String> PARENT =
      Metadata.Key.of("ctx4j-parent", Metadata.ASCII_STRING_MARSHALLER);

  /** The W3C trace context, as OpenTelemetry's gRPC instrumentation sends it (ADR 0092). */
  static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of(Trace.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);

  private ChainHops() {}

  /**
   * Adds the ref of {@code ctx} to {@code headers} while tracing is on, unless they carry one valid
   * {@code traceparent} already: then the receiver records that, and this side records which
   * context sent it.
   */
  static void sent(Context ctx, Metadata headers, String method) {
    if (Tracing.isOn()) {
      String via = only(headers.getAll(TRACEPARENT));
      via = via == null ? null : Trace.traceparent(via);
      if (via != null && !headers.containsKey(PARENT)) {
        Trace.sent(ctx, method, via);
        return;
      }
      String ref = Trace.sent(ctx, method);
      if (ref != null) {
        headers.removeAll(PARENT);
        headers.put(PARENT, ref);
      }
    }
  }

  /**
   * Records where the call of {@code ctx} came from, if {@code headers} say so validly: one valid
   * {@code ctx4j-parent}, else one valid {@code traceparent}.
   */
  static void received(Context ctx, Metadata headers, String method) {
    if (Tracing.isOn()) {
      String from = Trace.validRef(only(headers.getAll(PARENT)));
      if (from == null) {
        from = Trace.traceparent(only(headers.getAll(TRACEPARENT)));
      }
      Trace.received(ctx, from, method);
    }
  }

  /** The one value of {@code all}; null if none or several. */
  private static String only(Iterable<String> all) {
    String only = null;
    int n = 0;
    if (all != null) {
      for (String v : all) {
        only = v;
        n++;
      }
    }
    return n == 1 ? only : null;
  }

  /** The client call in {@code ctx} was cancelled because ctx ended: a reset was sent. */
  static void resetSent(Context ctx, String method) {
    Trace.stopped(ctx, HopKind.STREAM_RESET_SENT, "", method);
  }

  /** The server call of {@code ctx} was ended by its client or transport: a reset was received. */
  static void resetReceived(Context ctx, String status) {
    Trace.stopped(ctx, HopKind.STREAM_RESET_RECEIVED, "", status);
  }
}
