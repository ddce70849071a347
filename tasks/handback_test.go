package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

// TestShutdownHandsBackEveryJob enqueues more than the queue can drain and
// shuts it down with a budget that runs out: every job Enqueue accepted
// either ran or is handed back with its payload, exactly once, whether it
// was running (on its last attempt), buffered, waiting for a retry or for
// its run-at time.
func TestShutdownHandsBackEveryJob(t *testing.T) {
	defer leakcheck.Check(t)()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var mu sync.Mutex
	ran := map[string]int{}
	failed := map[string]bool{}
	release := make(chan struct{})
	q := newQueue(t, tasks.QueueOptions{
		Workers: 2, Buffer: 40, FailFast: true,
		Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, _ time.Duration) error {
			<-ctx.Done()
			// Returning late gives the attempts that the shutdown
			// interrupted the time to resolve before Shutdown looks.
			time.Sleep(50 * time.Millisecond)
			return ctx.Err()
		},
	})
	tasks.Register(q, "job", func(ctx context.Context, p string) error {
		mu.Lock()
		if strings.HasPrefix(p, "retry") && !failed[p] {
			failed[p] = true
			mu.Unlock()
			return errors.New("first attempt fails")
		}
		mu.Unlock()
		select {
		case <-release:
			mu.Lock()
			ran[p]++
			mu.Unlock()
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})

	ctx := context.Background()
	var amu sync.Mutex
	accepted := map[string]bool{}
	var full int
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				p, opts := fmt.Sprintf("once-%d-%d", g, i), []tasks.EnqueueOption{tasks.MaxAttempts(1)}
				switch i % 5 {
				case 1:
					p, opts = fmt.Sprintf("retry-%d-%d", g, i), []tasks.EnqueueOption{tasks.MaxAttempts(2)}
				case 2:
					p, opts = fmt.Sprintf("later-%d-%d", g, i), []tasks.EnqueueOption{tasks.RunAt(now.Add(time.Hour))}
				}
				err := tasks.Enqueue(ctx, q, "job", p, opts...)
				amu.Lock()
				switch {
				case err == nil:
					accepted[p] = true
				case errors.Is(err, tasks.ErrFull):
					full++
				default:
					t.Errorf("Enqueue %s: %v", p, err)
				}
				amu.Unlock()
			}
		})
	}
	wg.Wait()
	if full == 0 {
		t.Fatal("no Enqueue was refused: the test must offer more than the queue holds")
	}
	// Some jobs finish, then the budget runs out.
	for range 10 {
		release <- struct{}{}
	}
	waitUntil(t, func() bool { s := q.Stats(); return s.Succeeded == 10 && s.Running == 2 })
	sctx, cancel := context.WithCancel(ctx)
	cancel()
	var serr *tasks.ShutdownError
	if err := q.Shutdown(sctx); !errors.As(err, &serr) {
		t.Fatalf("Shutdown: %v, want a *ShutdownError", err)
	}
	if len(serr.Running) != 2 {
		t.Errorf("%d jobs handed back as running, want 2 (both workers busy)", len(serr.Running))
	}

	handed := map[string]int{}
	for _, j := range serr.Jobs() {
		var p string
		if err := json.Unmarshal(j.Payload, &p); err != nil || j.Kind != "job" {
			t.Fatalf("handed back %s with payload %s: %v", j, j.Payload, err)
		}
		handed[p]++
	}
	mu.Lock()
	defer mu.Unlock()
	for p := range accepted {
		if n := ran[p] + handed[p]; n != 1 {
			t.Errorf("job %s: ran %d times, handed back %d times; want one of them, once", p, ran[p], handed[p])
		}
	}
	if len(ran)+len(handed) != len(accepted) {
		t.Errorf("%d accepted, %d ran + %d handed back = %d", len(accepted), len(ran), len(handed), len(ran)+len(handed))
	}
	if s := q.Stats(); s.Enqueued != int64(len(accepted)) {
		t.Errorf("Stats.Enqueued %d, %d accepted", s.Enqueued, len(accepted))
	}
	t.Logf("%d offered, %d refused with ErrFull, %d accepted: %d ran, %d handed back (%d running, %d queued, %d delayed)",
		200, full, len(accepted), len(ran), len(handed), len(serr.Running), len(serr.Queued), len(serr.Delayed))
}

// waitUntil polls cond, which other goroutines bring about; it fails the
// test after a minute, which only guards against a hang.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRequeueAfterRestart saves the jobs a Shutdown hands back in their
// JSON form and gives them to a new Queue, which runs them with their
// payloads and options.
func TestRequeueAfterRestart(t *testing.T) {
	defer leakcheck.Check(t)()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := newBlockingQueue(t, tasks.QueueOptions{Now: func() time.Time { return now }})
	ctx := context.Background()
	tasks.Enqueue(ctx, b.q, "block", "running", tasks.MaxAttempts(3))
	<-b.started
	tasks.Enqueue(ctx, b.q, "block", "queued", tasks.UniqueKey("u1"), tasks.QueueName("q"), tasks.Priority(2))
	at := now.Add(time.Hour)
	tasks.Enqueue(ctx, b.q, "block", "later", tasks.RunAt(at))
	sctx, cancel := context.WithCancel(ctx)
	cancel()
	var serr *tasks.ShutdownError
	if err := b.q.Shutdown(sctx); !errors.As(err, &serr) {
		t.Fatalf("Shutdown: %v", err)
	}
	var saved []string
	for _, j := range serr.Jobs() {
		line, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, string(line))
	}
	want := []string{
		`{"id":"1","kind":"block","payload":"running","max_attempts":3,"attempt":1}`,
		`{"id":"2","kind":"block","payload":"queued","queue":"q","priority":2,"unique_key":"u1","max_attempts":5}`,
		`{"id":"3","kind":"block","payload":"later","run_at":"2026-01-02T04:04:05Z","max_attempts":5}`,
	}
	if strings.Join(saved, "\n") != strings.Join(want, "\n") {
		t.Fatalf("saved:\n%s\nwant:\n%s", strings.Join(saved, "\n"), strings.Join(want, "\n"))
	}

	// After the restart: a new Queue, whose clock has passed the run-at time.
	var mu sync.Mutex
	var got []string
	q := newQueue(t, tasks.QueueOptions{Now: func() time.Time { return at.Add(time.Second) }})
	tasks.Register(q, "block", func(ctx context.Context, name string) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, name)
		return nil
	})
	for _, line := range saved {
		var j tasks.Job
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatal(err)
		}
		if err := q.Requeue(ctx, &j); err != nil {
			t.Fatalf("Requeue %s: %v", line, err)
		}
	}
	shutdown(t, q)
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(got)
	if !slices.Equal(got, []string{"later", "queued", "running"}) {
		t.Errorf("ran %q, want the three jobs handed back", got)
	}
	if s := q.Stats(); s.Enqueued != 3 || s.Succeeded != 3 {
		t.Errorf("stats %+v", s)
	}

	q2 := newQueue(t, tasks.QueueOptions{})
	defer shutdown(t, q2)
	tasks.Register(q2, "block", func(context.Context, string) error { return nil })
	for _, tt := range []struct {
		job  tasks.Job
		want string
	}{
		{tasks.Job{Kind: "nope", Payload: json.RawMessage(`1`)}, `tasks: requeue "nope": tasks: no handler registered for job kind`},
		{tasks.Job{Kind: "block", Payload: json.RawMessage(`{`)}, `tasks: requeue "block": the payload is not JSON`},
	} {
		if err := q2.Requeue(ctx, &tt.job); err == nil || err.Error() != tt.want {
			t.Errorf("Requeue %+v = %v, want %s", tt.job, err, tt.want)
		}
	}
}
