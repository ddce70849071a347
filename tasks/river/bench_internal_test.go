package river

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stdapi/stdapi/tasks"
)

// BenchmarkInsertArgs measures the mapping of a tasks job onto River's
// arguments and options, done on every Enqueue.
func BenchmarkInsertArgs(b *testing.B) {
	job := &tasks.Job{Kind: "welcome-email", Payload: json.RawMessage(`{"email":"bob@example.com"}`),
		Queue: "mail", Priority: 2, UniqueKey: "welcome:bob", MaxAttempts: 5, RunAt: time.Now().Add(time.Hour)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := insertArgs(job); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDispatch measures the dispatcher's own cost around a handler
// that does nothing: the tasks job built from River's, and the outcome.
func BenchmarkDispatch(b *testing.B) {
	be := &Backend{unknown: time.Second, running: map[int64]*tasks.Job{}}
	be.worker = workerFunc(func(ctx context.Context, job *tasks.Job) error { return nil })
	d := &dispatcher{b: be}
	rj := &river.Job[envelope]{
		JobRow: &rivertype.JobRow{ID: 42, Attempt: 1, MaxAttempts: 5, Queue: "default", Priority: 1},
		Args:   envelope{TaskKind: "welcome-email", Payload: json.RawMessage(`{"email":"bob@example.com"}`)},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Work(ctx, rj); err != nil {
			b.Fatal(err)
		}
	}
}
