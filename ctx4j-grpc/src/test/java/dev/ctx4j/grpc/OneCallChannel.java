package dev.ctx4j.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;

/** A channel whose every call is the one scripted call a test holds: no transport at all. */
final class OneCallChannel extends Channel {
  private final ClientCall<?, ?> call;
  private final String authority;

  OneCallChannel(ClientCall<?, ?> call, String authority) {
    this.call = call;
    this.authority = authority;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    return (ClientCall<ReqT, RespT>) call;
  }

  @Override
  public String authority() {
    return authority;
  }
}
