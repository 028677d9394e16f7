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

  private ChainHops() {}

  /** Adds the ref of {@code ctx} to {@code headers} while tracing is on. */
  static void sent(Context ctx, Metadata headers, String method) {
    if (Tracing.isOn()) {
      String ref = Trace.sent(ctx, method);
      if (ref != null) {
        headers.removeAll(PARENT);
        headers.put(PARENT, ref);
      }
    }
  }

  /** Records where the call of {@code ctx} came from, if {@code headers} say so validly. */
  static void received(Context ctx, Metadata headers, String method) {
    if (Tracing.isOn()) {
      Iterable<String> all = headers.getAll(PARENT);
      String only = null;
      int n = 0;
      if (all != null) {
        for (String v : all) {
          only = v;
          n++;
        }
      }
      Trace.received(ctx, n == 1 ? Trace.validRef(only) : null, method);
    }
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
