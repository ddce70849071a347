package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

// TestMaxBacklog: with attempts of 50ms on 2 workers, a queue bounded to 1s
// of work holds 40 jobs and refuses the 41st with ErrFull at once, then
// drains all it accepted. The attempts' durations come from a fake clock
// that each attempt moves on.
func TestMaxBacklog(t *testing.T) {
	defer leakcheck.Check(t)()
	var clock atomic.Int64
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	release := make(chan struct{})
	var ran atomic.Int64
	newBounded := func(budget time.Duration) *tasks.Queue {
		q := newQueue(t, tasks.QueueOptions{Workers: 2, MaxBacklog: budget, Now: now})
		tasks.Register(q, "job", func(ctx context.Context, wait bool) error {
			// The held attempts take their time once released, so that
			// the first attempt is measured alone.
			if wait {
				<-release
			}
			clock.Add(int64(50 * time.Millisecond))
			ran.Add(1)
			return nil
		})
		return q
	}
	ctx := context.Background()

	q := newBounded(time.Second)
	// Until an attempt has finished, the mean is unknown: only the buffer
	// bounds the queue. One attempt teaches it 50ms.
	if err := tasks.Enqueue(ctx, q, "job", false, tasks.UniqueKey("first")); err != nil {
		t.Fatal(err)
	}
	// The key is free once the first job is done and measured.
	waitUntil(t, func() bool {
		return !errors.Is(tasks.Enqueue(ctx, q, "job", true, tasks.UniqueKey("first")), tasks.ErrDuplicate)
	})
	accepted := 1
	for {
		err := tasks.Enqueue(ctx, q, "job", true)
		if errors.Is(err, tasks.ErrFull) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		accepted++
		if accepted > 100 {
			t.Fatal("no ErrFull after 100 jobs")
		}
	}
	if accepted != 40 {
		t.Errorf("accepted %d jobs of 50ms on 2 workers within 1s, want 40", accepted)
	}
	// A job handed back by an earlier Queue was accepted once: Requeue
	// takes it whatever the backlog.
	if err := q.Requeue(ctx, &tasks.Job{Kind: "job", Payload: json.RawMessage("true")}); err != nil {
		t.Fatalf("Requeue over the backlog: %v", err)
	}
	close(release)
	shutdown(t, q)
	if s := q.Stats(); s.Enqueued != 42 || s.Succeeded != 42 || ran.Load() != 42 {
		t.Errorf("stats %+v, %d ran; want the 42 accepted jobs run", s, ran.Load())
	}

	// Without MaxBacklog, only the buffer bounds the queue.
	release = make(chan struct{})
	q = newBounded(0)
	for range 100 {
		if err := tasks.Enqueue(ctx, q, "job", true); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	shutdown(t, q)
}
