package dev.ctx4j.grpc;

import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

/**
 * Records the status a server stream closed with, where {@link ServerContextInterceptor} can read
 * it: grpc reports a client's cancel and a lost connection alike to the call's context, but tells
 * the stream tracer which one it was, before it tells anyone else.
 */
final class StatusTracer extends ServerStreamTracer {
  static final io.grpc.Context.Key<StatusTracer> KEY = io.grpc.Context.key("dev.ctx4j.status");

  volatile Status closed; // null until the stream closes

  @Override
  public io.grpc.Context filterContext(io.grpc.Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void streamClosed(Status status) {
    closed = status;
  }

  static final class Factory extends ServerStreamTracer.Factory {
    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new StatusTracer();
    }
  }
}
