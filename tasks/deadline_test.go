package tasks_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

// attemptSeen is what a handler saw of its context.
type attemptSeen struct {
	n           int
	err, cause  error
	childErr    error
	childCause  error
	deadline    time.Duration // from the attempt's start
	hasDeadline bool
	waited      time.Duration
}

// TestQueueTimeout checks that each attempt's context behaves as one from
// context.WithTimeout: a deadline Timeout after the attempt starts, Err and
// Cause context.DeadlineExceeded when it passes, contexts derived from it
// cancelled too (with that cause), and the attempt failed; while attempts that finish in time
// are not cancelled, whatever runs beside them.
func TestQueueTimeout(t *testing.T) {
	defer leakcheck.Check(t)()
	const timeout = 60 * time.Millisecond
	q := newQueue(t, tasks.QueueOptions{Workers: 3, Timeout: timeout})
	var mu sync.Mutex
	var seen []attemptSeen
	tasks.Register(q, "slow", func(ctx context.Context, n int) error {
		start := time.Now()
		dl, ok := ctx.Deadline()
		child, cancel := context.WithCancel(ctx)
		defer cancel()
		<-ctx.Done()
		<-child.Done()
		s := attemptSeen{n: n, err: ctx.Err(), cause: context.Cause(ctx), childErr: child.Err(),
			childCause: context.Cause(child), deadline: dl.Sub(start), hasDeadline: ok, waited: time.Since(start)}
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
		return ctx.Err()
	})
	var fastCtx []context.Context
	tasks.Register(q, "fast", func(ctx context.Context, n int) error {
		mu.Lock()
		fastCtx = append(fastCtx, ctx)
		mu.Unlock()
		return ctx.Err()
	})
	ctx := context.Background()
	for n := range 2 {
		if err := tasks.Enqueue(ctx, q, "slow", n, tasks.MaxAttempts(1)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(timeout / 3) // deadlines apart
	}
	for n := range 50 {
		if err := tasks.Enqueue(ctx, q, "fast", n); err != nil {
			t.Fatal(err)
		}
	}
	shutdown(t, q)
	if s := q.Stats(); s != (tasks.Stats{Enqueued: 52, Succeeded: 50, Failed: 2}) {
		t.Errorf("stats %+v, want 50 succeeded and the 2 slow jobs failed", s)
	}
	if len(seen) != 2 {
		t.Fatalf("%d slow attempts, want 2", len(seen))
	}
	for _, s := range seen {
		if s.err != context.DeadlineExceeded || s.cause != context.DeadlineExceeded {
			t.Errorf("job %d: Err %v, Cause %v; want context.DeadlineExceeded", s.n, s.err, s.cause)
		}
		if s.childErr == nil || s.childCause != context.DeadlineExceeded {
			t.Errorf("job %d: derived context's Err %v, Cause %v", s.n, s.childErr, s.childCause)
		}
		if !s.hasDeadline || s.deadline <= timeout-10*time.Millisecond || s.deadline > timeout {
			t.Errorf("job %d: deadline %v after the start (%v), want about %v", s.n, s.deadline, s.hasDeadline, timeout)
		}
		if s.waited < timeout-10*time.Millisecond || s.waited > 20*timeout {
			t.Errorf("job %d: cancelled after %v, want about %v", s.n, s.waited, timeout)
		}
	}
	for i, c := range fastCtx {
		if c.Err() != context.Canceled {
			t.Errorf("fast attempt %d: Err after it returned %v, want context.Canceled", i, c.Err())
		}
	}
}

// TestQueueTimeoutParentDeadline checks that an attempt's deadline is its
// parent's when that comes first, with a backend that runs attempts under
// a context of its own.
func TestQueueTimeoutParentDeadline(t *testing.T) {
	b := &recordingBackend{}
	q := newQueue(t, tasks.QueueOptions{Backend: b, Timeout: time.Hour})
	var got time.Time
	tasks.Register(q, "dl", func(ctx context.Context, _ int) error {
		got, _ = ctx.Deadline()
		return nil
	})
	if err := tasks.Enqueue(context.Background(), q, "dl", 1); err != nil {
		t.Fatal(err)
	}
	if got.IsZero() || time.Until(got) < 59*time.Minute {
		t.Fatalf("deadline %v, want an hour away", got)
	}
	parent, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	want, _ := parent.Deadline()
	if err := q.Work(parent, &tasks.Job{Kind: "dl", Payload: []byte("1")}); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Fatalf("deadline %v, want the parent's %v", got, want)
	}
}
