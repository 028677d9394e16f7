// Package bench measures Go's context on the shapes of ctx4j's PropagationBenchmark, so that
// ctx4j, grpc-java and Go are compared on the same operations: checking a live context, a child's
// create + cancel, timers, fan-out, waking parked goroutines, and retained bytes.
//
// Run: go test -run '^$' -bench . (Go's own suite: go test -run '^$' -bench . context)
package bench
