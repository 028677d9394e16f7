package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Err() on a live context: Go 1.19 takes the context's mutex.
func BenchmarkErrLive(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < b.N; i++ {
		_ = ctx.Err()
	}
}

func BenchmarkErrLiveParallel(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = ctx.Err()
		}
	})
}

// A child of a cancellable parent, created and cancelled.
func BenchmarkChildCancel(b *testing.B) {
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	for i := 0; i < b.N; i++ {
		_, cancel := context.WithCancel(parent)
		cancel()
	}
}

func BenchmarkChildCancelParallel(b *testing.B) {
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, cancel := context.WithCancel(parent)
			cancel()
		}
	})
}

// Go's BenchmarkCommonParentCancel without the busy work.
func BenchmarkCommonParentCancelNoWork(b *testing.B) {
	root := context.WithValue(context.Background(), "key", "value")
	shared, sharedcancel := context.WithCancel(root)
	defer sharedcancel()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ctx, cancel := context.WithCancel(shared)
			if ctx.Value("key").(string) != "value" {
				b.Fatal("should not be reached")
			}
			cancel()
		}
	})
}

// A value node on a cancellable parent.
func BenchmarkWithValue(b *testing.B) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < b.N; i++ {
		sinkCtx = context.WithValue(parent, valueKey{}, "value")
	}
}

// WithTimeout(1h) + cancel, with `pending` timed contexts already waiting.
func BenchmarkTimeoutCancel(b *testing.B) {
	for _, pending := range []int{0, 100000} {
		b.Run(fmt.Sprintf("pending=%d", pending), func(b *testing.B) {
			cancels := make([]context.CancelFunc, pending)
			for i := range cancels {
				_, cancels[i] = context.WithTimeout(context.Background(), time.Hour)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, cancel := context.WithTimeout(context.Background(), time.Hour)
				cancel()
			}
			b.StopTimer()
			for _, c := range cancels {
				c()
			}
		})
	}
}

const churn = 10000

// 10,000 contexts alive at once under one parent: create them all, then cancel them; per context.
func BenchmarkTimedChurn(b *testing.B) {
	for _, kind := range []string{"withCancel", "withTimeout"} {
		b.Run("kind="+kind, func(b *testing.B) {
			parent, cancelParent := context.WithCancel(context.Background())
			defer cancelParent()
			alive := make([]context.CancelFunc, churn)
			timed := kind == "withTimeout"
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				for j := range alive {
					if timed {
						_, alive[j] = context.WithTimeout(parent, time.Hour)
					} else {
						_, alive[j] = context.WithCancel(parent)
					}
				}
				for _, c := range alive {
					c()
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/churn, "ns/ctx")
		})
	}
}

// One cancel reaching `children` live children; reported per child too.
func BenchmarkFanoutCancel(b *testing.B) {
	for _, n := range []int{10, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("children=%d", n), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				parent, cancel := context.WithCancel(context.Background())
				kids := make([]context.Context, n)
				kidCancels := make([]context.CancelFunc, n)
				for j := range kids {
					kids[j], kidCancels[j] = context.WithCancel(parent)
				}
				b.StartTimer()
				start := time.Now()
				cancel()
				total += time.Since(start)
				b.StopTimer()
				for _, k := range kids {
					if k.Err() == nil {
						b.Fatal("a child was left live")
					}
				}
				for _, c := range kidCancels {
					c() // already done through the parent: a no-op, as the vet check wants
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Nanoseconds())/float64(b.N)/float64(n), "ns/child")
		})
	}
}

// `waiters` goroutines blocked on <-ctx.Done(); one cancel, until every one has resumed.
func BenchmarkWake(b *testing.B) {
	for _, n := range []int{1, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("waiters=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ctx, cancel := context.WithCancel(context.Background())
				var started sync.WaitGroup
				started.Add(n)
				left := int64(n)
				all := make(chan struct{})
				for j := 0; j < n; j++ {
					go func() {
						started.Done()
						<-ctx.Done()
						if atomic.AddInt64(&left, -1) == 0 {
							close(all)
						}
					}()
				}
				started.Wait()
				time.Sleep(time.Millisecond + time.Duration(n)*100*time.Nanosecond) // let them block
				b.StartTimer()
				cancel()
				<-all
			}
		})
	}
}

type valueKey struct{}

var sink []context.Context

var sinkCtx context.Context

// Retained bytes per context and idle timer CPU, printed as "footprint <name> go <value> <unit>".
func TestFootprint(t *testing.T) {
	const n = 200000
	parent, cancelParent := context.WithCancel(context.Background())
	defer cancelParent()
	ctxs := make([]context.Context, n)
	cancels := make([]context.CancelFunc, n)
	measure := func(name string, make1 func(i int)) {
		for i := range ctxs {
			ctxs[i], cancels[i] = nil, nil
		}
		before := heapAfterGC()
		for i := 0; i < n; i++ {
			make1(i)
		}
		after := heapAfterGC()
		fmt.Printf("footprint %s go %.1f B/ctx\n", name, float64(after-before)/n)
		for i := range cancels {
			if cancels[i] != nil {
				cancels[i]()
			}
		}
	}
	measure("retainedWithCancel", func(i int) { ctxs[i], cancels[i] = context.WithCancel(parent) })
	measure("retainedWithTimeout", func(i int) {
		ctxs[i], cancels[i] = context.WithTimeout(context.Background(), time.Hour)
	})
	measure("retainedWithValue", func(i int) { ctxs[i] = context.WithValue(parent, valueKey{}, "value") })
	runtime.KeepAlive(ctxs)
	runtime.KeepAlive(cancels)

	// Idle: 10,000 timed contexts wait an hour; how much CPU does the process burn meanwhile?
	idle := 1 * time.Second
	if s := testingIdle(); s > 0 {
		idle = s
	}
	for i := 0; i < churn; i++ {
		ctxs[i], cancels[i] = context.WithTimeout(context.Background(), time.Hour)
	}
	runtime.GC()
	cpu0 := processCPU()
	time.Sleep(idle)
	cpu1 := processCPU()
	fmt.Printf("footprint idleTimerCpu go %.1f us/s\n", float64(cpu1-cpu0)/1e3/idle.Seconds())
	for i := 0; i < churn; i++ {
		cancels[i]()
	}
	sink = ctxs[:1]
}

func heapAfterGC() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
