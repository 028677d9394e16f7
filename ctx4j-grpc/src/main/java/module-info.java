/** ctx4j contexts across processes on grpc-java: interceptors and the io.grpc.Context bridge. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.ctx4j.grpc {
  requires transitive dev.ctx4j.core;
  requires transitive io.grpc;

  exports dev.ctx4j.grpc;
}
