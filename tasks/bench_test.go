package tasks_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stdapi/stdapi/tasks"
)

// BenchmarkMiddlewareNoTask is the cost the middleware adds to a request
// that adds no task (the goal is at most one allocation).
func BenchmarkMiddlewareNoTask(b *testing.B) {
	r := tasks.New(tasks.Options{})
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {}))
	req := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkMiddlewareAddRun adds one task per request and runs it.
func BenchmarkMiddlewareAddRun(b *testing.B) {
	r := tasks.New(tasks.Options{})
	task := func(context.Context) error { return nil }
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if err := tasks.Add(req.Context(), task); err != nil {
			b.Fatal(err)
		}
	}))
	req := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
	r.Wait()
}

// BenchmarkQueueThroughput enqueues trivial jobs from one goroutine into a
// queue with 4 workers and waits until all have run; ns/op is per job. The
// sub-benchmarks show the cost of the per-attempt timeout (a runtime timer).
func BenchmarkQueueThroughput(b *testing.B) {
	for _, bc := range []struct {
		name    string
		timeout time.Duration
	}{{"timeout=default", 0}, {"timeout=none", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			q, err := tasks.NewQueue(tasks.QueueOptions{Workers: 4, Timeout: bc.timeout, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			tasks.Register(q, "noop", func(context.Context, struct{}) error { return nil })
			ctx := context.Background()
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				if err := tasks.Enqueue(ctx, q, "noop", struct{}{}); err != nil {
					b.Fatal(err)
				}
			}
			if err := q.Shutdown(ctx); err != nil {
				b.Fatal(err)
			}
			reportCPU(b, start)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}

// BenchmarkQueueThroughputParallel enqueues from GOMAXPROCS goroutines.
func BenchmarkQueueThroughputParallel(b *testing.B) {
	q, err := tasks.NewQueue(tasks.QueueOptions{Workers: 4, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	tasks.Register(q, "noop", func(context.Context, struct{}) error { return nil })
	ctx := context.Background()
	b.ReportAllocs()
	start := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := tasks.Enqueue(ctx, q, "noop", struct{}{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if err := q.Shutdown(ctx); err != nil {
		b.Fatal(err)
	}
	reportCPU(b, start)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// reportCPU reports the process's CPU time per job since start (cpu-ns/op)
// and the jobs per second of CPU time that makes (cpu-jobs/s): the
// throughput the queue reaches on cores of its own.
func reportCPU(b *testing.B, start time.Duration) {
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "cpu-jobs/s")
	}
}
