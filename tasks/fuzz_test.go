package tasks_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/tasks"
)

// FuzzWorkPayload feeds arbitrary payloads to a typed handler: Work never
// panics, a payload that decodes reaches the handler unchanged, and one that
// does not fails the job for good.
func FuzzWorkPayload(f *testing.F) {
	for _, s := range []string{`{"to":"a@example.com","subject":"hi"}`, `{}`, `null`, `[1]`, `{"to":`, `"x"`, ``, `{"to":1}`} {
		f.Add([]byte(s))
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { q.Shutdown(context.Background()) })
	var got Email
	tasks.Register(q, "email", func(ctx context.Context, e Email) error { got = e; return nil })
	f.Fuzz(func(t *testing.T, payload []byte) {
		got = Email{}
		job := &tasks.Job{ID: "1", Kind: "email", Payload: payload, MaxAttempts: 3, Attempt: 1}
		err := q.Work(context.Background(), job)
		var want Email
		if derr := json.Unmarshal(payload, &want); derr != nil {
			if err == nil || tasks.ShouldRetry(job, err) || !strings.Contains(err.Error(), derr.Error()) {
				t.Fatalf("payload %q: %v, want a permanent decode error", payload, err)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("payload %q: handler got %+v (%v), want %+v", payload, got, err, want)
		}
	})
}

// FuzzBackoffDelay checks the delay bounds for any configuration.
func FuzzBackoffDelay(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 0.2, 3, 0.5)
	f.Add(int64(1), int64(1<<63-1), -1.0, 200, 0.0)
	f.Add(int64(0), int64(0), 0.0, 0, 0.999)
	f.Fuzz(func(t *testing.T, base, maxDelay int64, jitter float64, attempt int, rnd float64) {
		if rnd < 0 || rnd >= 1 || jitter != jitter {
			return
		}
		b := tasks.Backoff{Base: time.Duration(base), Max: time.Duration(maxDelay), Jitter: jitter}
		d := b.Delay(attempt, rnd)
		limit := b.Max
		if limit <= 0 {
			limit = 5 * time.Minute
		}
		if d < 0 || d > limit {
			t.Fatalf("%+v.Delay(%d, %v) = %v, outside [0, %v]", b, attempt, rnd, d, limit)
		}
		if next := b.Delay(attempt+1, rnd); attempt > 0 && attempt < 1<<30 && next < d {
			t.Fatalf("%+v: delay shrank from %v to %v after attempt %d", b, d, next, attempt)
		}
	})
}
