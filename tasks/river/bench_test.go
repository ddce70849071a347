package river_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

// BenchmarkEnqueue measures tasks.Enqueue into River: one INSERT in its own
// transaction per job.
func BenchmarkEnqueue(b *testing.B) {
	queue := queueName(b)
	n := newNode(b, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer n.close(b)
	tasks.Register(n.q, "bench", func(ctx context.Context, g greeting) error { return nil })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := tasks.Enqueue(ctx, n.q, "bench", greeting{Name: "Ada"}, tasks.QueueName(queue)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnqueueTx measures EnqueueTx inside one open transaction: the
// cost a job adds to a transaction the caller runs anyway.
func BenchmarkEnqueueTx(b *testing.B) {
	queue := queueName(b)
	n := newNode(b, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer n.close(b)
	tasks.Register(n.q, "bench", func(ctx context.Context, g greeting) error { return nil })
	ctx := context.Background()
	tx, err := n.pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	b.ReportAllocs()
	for b.Loop() {
		if err := river.EnqueueTx(ctx, tx, n.q, "bench", greeting{Name: "Ada"}, tasks.QueueName(queue)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkThroughput enqueues b.N jobs and waits until a node with 10
// workers has run them all: ns/op is the time per job, end to end.
func BenchmarkThroughput(b *testing.B) {
	queue := queueName(b)
	n := newNode(b, queue, river.Options{Queues: map[string]int{queue: 10}}, tasks.QueueOptions{})
	defer n.close(b)
	var done atomic.Int64
	all := make(chan struct{})
	target := int64(b.N)
	tasks.Register(n.q, "bench", func(ctx context.Context, g greeting) error {
		if done.Add(1) == target {
			close(all)
		}
		return nil
	})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := tasks.Enqueue(ctx, n.q, "bench", greeting{Name: "Ada"}, tasks.QueueName(queue)); err != nil {
			b.Fatal(err)
		}
	}
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		b.Fatalf("%d of %d jobs run", done.Load(), b.N)
	}
}

// BenchmarkAdd measures river.Add on the request path: the job checked and
// encoded, kept in the request scope. The request fails, so that nothing
// is inserted after it and only Add is measured.
func BenchmarkAdd(b *testing.B) {
	queue := queueName(b)
	n := newNode(b, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer n.close(b)
	tasks.Register(n.q, "bench", func(ctx context.Context, g greeting) error { return nil })
	fail := errors.New("skip the insert")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := river.Add(r.Context(), n.q, "bench", greeting{Name: "Ada"}); err != nil {
			b.Fatal(err)
		}
		stdapi.Fail(r.Context(), fail)
	})
	w, r := httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		stdapi.ServeScoped(w, r, h)
	}
}
