package bench

import (
	"os"
	"syscall"
	"time"
)

// processCPU returns user+system CPU time of this process in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// testingIdle reads CTX4J_IDLE (a Go duration) for the idle window of TestFootprint.
func testingIdle() time.Duration {
	d, err := time.ParseDuration(os.Getenv("CTX4J_IDLE"))
	if err != nil {
		return 0
	}
	return d
}
