package river_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/logtest"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

type greeting struct {
	Name string `json:"name"`
}

func TestEnqueueProcessed(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	got := make(chan greeting, 1)
	tasks.Register(n.q, "greet", func(ctx context.Context, g greeting) error {
		got <- g
		return nil
	})
	err := tasks.Enqueue(context.Background(), n.q, "greet", greeting{Name: "Ada"},
		tasks.QueueName(queue), tasks.Priority(2), tasks.MaxAttempts(3))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-got:
		if g.Name != "Ada" {
			t.Errorf("handler got %+v, want Ada", g)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("job not processed")
	}
	row := waitState(t, n.pool, queue, "greet", "completed")
	var args map[string]any
	if err := json.Unmarshal([]byte(row.Args), &args); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"kind": "greet", "payload": map[string]any{"name": "Ada"}}
	if len(args) != 2 || args["kind"] != "greet" || args["payload"].(map[string]any)["name"] != "Ada" {
		t.Errorf("args = %s, want %v", row.Args, want)
	}
	if row.Attempt != 1 || row.Max != 3 || row.Priority != 2 || row.Errors != 0 {
		t.Errorf("row = %+v, want attempt 1, max 3, priority 2, no errors", row)
	}
	if len(row.Tags) != 1 || row.Tags[0] != "greet" {
		t.Errorf("tags = %v, want [greet]", row.Tags)
	}
	var kind string
	if err := n.pool.QueryRow(context.Background(), "SELECT kind FROM river_job WHERE id = $1", row.ID).Scan(&kind); err != nil || kind != river.Kind {
		t.Errorf("River kind = %q (%v), want %q", kind, err, river.Kind)
	}
	if s := n.q.Stats(); s.Enqueued != 1 || s.Succeeded != 1 || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestRetries(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	var flaky, permanent, hopeless atomic.Int32
	tasks.Register(n.q, "flaky", func(ctx context.Context, _ struct{}) error {
		if flaky.Add(1) < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	tasks.Register(n.q, "permanent", func(ctx context.Context, _ struct{}) error {
		permanent.Add(1)
		return tasks.Permanent(errors.New("bad input"))
	})
	tasks.Register(n.q, "hopeless", func(ctx context.Context, _ struct{}) error {
		hopeless.Add(1)
		return errors.New("always")
	})
	tests := []struct {
		kind     string
		max      int
		state    string
		attempts int
		errors   int
		runs     *atomic.Int32
	}{
		{"flaky", 5, "completed", 3, 2, &flaky},
		{"permanent", 5, "cancelled", 1, 1, &permanent},
		{"hopeless", 2, "discarded", 2, 2, &hopeless},
	}
	for _, tt := range tests {
		if err := tasks.Enqueue(context.Background(), n.q, tt.kind, struct{}{},
			tasks.QueueName(queue), tasks.MaxAttempts(tt.max)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			row := waitState(t, n.pool, queue, tt.kind, tt.state)
			if row.Attempt != tt.attempts || row.Errors != tt.errors {
				t.Errorf("attempt %d with %d errors, want %d with %d", row.Attempt, row.Errors, tt.attempts, tt.errors)
			}
			if got := int(tt.runs.Load()); got != tt.attempts {
				t.Errorf("handler ran %d times, want %d", got, tt.attempts)
			}
		})
	}
	if s := n.q.Stats(); s.Succeeded != 1 || s.Failed != 2 || s.Retried != 3 {
		t.Errorf("stats = %+v, want 1 succeeded, 2 failed, 3 retried", s)
	}
}

func TestEnqueueTx(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	got := make(chan string, 2)
	tasks.Register(n.q, "tx", func(ctx context.Context, g greeting) error {
		got <- g.Name
		return nil
	})
	ctx := context.Background()
	for _, commit := range []bool{false, true} {
		tx, err := n.pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		name := "rolled back"
		if commit {
			name = "committed"
		}
		if err := river.EnqueueTx(ctx, tx, n.q, "tx", greeting{Name: name}, tasks.QueueName(queue)); err != nil {
			t.Fatal(err)
		}
		// Invisible outside the transaction until it commits.
		if rows := jobs(t, n.pool, queue, "tx"); len(rows) != 0 {
			t.Fatalf("before commit: %d job(s) visible", len(rows))
		}
		if commit {
			err = tx.Commit(ctx)
		} else {
			err = tx.Rollback(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	select {
	case name := <-got:
		if name != "committed" {
			t.Errorf("ran %q, want only the committed job", name)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("committed job not processed")
	}
	waitState(t, n.pool, queue, "tx", "completed") // exactly one job
}

func TestEnqueueTxErrors(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer n.close(t)
	tasks.Register(n.q, "known", func(ctx context.Context, g greeting) error { return nil })
	mem, err := tasks.NewQueue(tasks.QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tasks.Register(mem, "known", func(ctx context.Context, g greeting) error { return nil })
	defer mem.Shutdown(context.Background())

	ctx := context.Background()
	tx, err := n.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	tests := []struct {
		name string
		err  func() error
		want error
		text string
	}{
		{"memory queue", func() error { return river.EnqueueTx(ctx, tx, mem, "known", greeting{}) }, river.ErrNotRiver, ""},
		{"nil queue", func() error { return river.EnqueueTx(ctx, tx, nil, "known", greeting{}) }, nil, "nil queue"},
		{"nil tx", func() error { return river.EnqueueTx(ctx, nil, n.q, "known", greeting{}) }, nil, "nil transaction"},
		{"unknown kind", func() error { return river.EnqueueTx(ctx, tx, n.q, "nope", greeting{}) }, tasks.ErrUnknownKind, ""},
		{"wrong payload", func() error { return river.EnqueueTx(ctx, tx, n.q, "known", "text") }, nil, "payload is a string"},
		{"priority 5", func() error { return river.EnqueueTx(ctx, tx, n.q, "known", greeting{}, tasks.Priority(5)) }, nil, "priority 5"},
		{"priority -1", func() error { return river.EnqueueTx(ctx, tx, n.q, "known", greeting{}, tasks.Priority(-1)) }, nil, "priority -1"},
		{"bad queue name", func() error { return river.EnqueueTx(ctx, tx, n.q, "known", greeting{}, tasks.QueueName("no spaces")) }, nil, "queue name is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if tt.text != "" && !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not mention %q", err, tt.text)
			}
		})
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("the transaction is unusable after the refused jobs: %v", err)
	}
	// jsonb has no NUL character: the database refuses the payload.
	if err := tasks.Enqueue(ctx, n.q, "known", greeting{Name: "nul\x00"}, tasks.QueueName(queue)); err == nil {
		t.Error("payload with a NUL character: no error")
	}
	if rows := jobs(t, n.pool, queue, "known"); len(rows) != 0 {
		t.Errorf("%d job(s) inserted", len(rows))
	}
}

func TestUniqueKey(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	started, release := make(chan string, 4), make(chan struct{})
	tasks.Register(n.q, "sync", func(ctx context.Context, g greeting) error {
		started <- g.Name
		<-release
		return nil
	})
	tasks.Register(n.q, "other", func(ctx context.Context, g greeting) error { return nil })
	ctx := context.Background()
	enqueue := func(kind, name, key string) error {
		return tasks.Enqueue(ctx, n.q, kind, greeting{Name: name}, tasks.QueueName(queue), tasks.UniqueKey(key))
	}
	if err := enqueue("sync", "first", "user-1"); err != nil {
		t.Fatal(err)
	}
	<-started
	tests := []struct {
		kind, name, key string
		want            error
	}{
		{"sync", "second", "user-1", tasks.ErrDuplicate},
		{"other", "other kind, same key", "user-1", tasks.ErrDuplicate}, // keys are shared by all kinds, as in memory
		{"sync", "another key", "user-2", nil},
	}
	for _, tt := range tests {
		if err := enqueue(tt.kind, tt.name, tt.key); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
	// A duplicate inside a transaction leaves the transaction usable.
	tx, err := n.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := river.EnqueueTx(ctx, tx, n.q, "sync", greeting{}, tasks.QueueName(queue), tasks.UniqueKey("user-1")); !errors.Is(err, tasks.ErrDuplicate) {
		t.Errorf("EnqueueTx: error %v, want ErrDuplicate", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	<-started // user-2
	close(release)
	waitFor(t, 60*time.Second, "both jobs completed", func() bool {
		rows := jobs(t, n.pool, queue, "sync")
		return len(rows) == 2 && rows[0].State == "completed" && rows[1].State == "completed"
	})
	// A completed job frees its key.
	if err := enqueue("sync", "third", "user-1"); err != nil {
		t.Errorf("after completion: %v", err)
	}
	if name := <-started; name != "third" {
		t.Errorf("ran %q, want third", name)
	}
}

func TestRunAt(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	ran := make(chan time.Time, 1)
	tasks.Register(n.q, "later", func(ctx context.Context, _ struct{}) error {
		ran <- time.Now()
		return nil
	})
	at := time.Now().Add(2 * time.Second).Truncate(time.Microsecond)
	if err := tasks.Enqueue(context.Background(), n.q, "later", struct{}{}, tasks.QueueName(queue), tasks.RunAt(at)); err != nil {
		t.Fatal(err)
	}
	row := jobs(t, n.pool, queue, "later")
	if len(row) != 1 || row[0].State != "scheduled" || !row[0].Sched.Equal(at) {
		t.Fatalf("row = %+v, want one job scheduled at %v", row, at)
	}
	select {
	case when := <-ran:
		if when.Before(at) {
			t.Errorf("ran at %v, before its run-at %v", when, at)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("scheduled job not run")
	}
}

func TestUnknownKindSnoozed(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	worker := newNode(t, queue, river.Options{UnknownKindDelay: time.Hour}, tasks.QueueOptions{})
	defer worker.close(t)
	front := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer front.close(t)
	tasks.Register(front.q, "newer", func(ctx context.Context, _ struct{}) error { return nil })
	if err := tasks.Enqueue(context.Background(), front.q, "newer", struct{}{}, tasks.QueueName(queue)); err != nil {
		t.Fatal(err)
	}
	// The worker, which has no handler for "newer", puts the job back
	// without using an attempt.
	row := waitState(t, worker.pool, queue, "newer", "scheduled")
	if row.Attempt != 0 || row.Errors != 0 || time.Until(row.Sched) < 30*time.Minute {
		t.Errorf("row = %+v, want attempt 0, no errors, scheduled in an hour", row)
	}
}

// A job whose kind no node handles is put back UnknownKindLimit times, then
// cancelled with one line at level Error; it never counts as failed.
func TestUnknownKindCancelledAfterLimit(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	var logs logtest.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	worker := newNode(t, queue, river.Options{UnknownKindDelay: time.Millisecond, UnknownKindLimit: 3, Logger: logger},
		tasks.QueueOptions{Logger: logger})
	defer worker.close(t)
	front := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer front.close(t)
	tasks.Register(front.q, "orphan", func(ctx context.Context, _ struct{}) error { return nil })
	if err := tasks.Enqueue(context.Background(), front.q, "orphan", struct{}{}, tasks.QueueName(queue)); err != nil {
		t.Fatal(err)
	}
	row := waitState(t, worker.pool, queue, "orphan", "cancelled")
	var snoozes int
	if err := worker.pool.QueryRow(context.Background(), "SELECT (metadata->>'snoozes')::int FROM river_job WHERE id = $1",
		row.ID).Scan(&snoozes); err != nil {
		t.Fatal(err)
	}
	if snoozes != 3 || row.Errors != 1 {
		t.Errorf("row = %+v, %d put-backs; want 3 put-backs and the cancellation's error", row, snoozes)
	}
	out := logs.String()
	if n := strings.Count(out, "level=ERROR"); n != 1 || !strings.Contains(out,
		`level=ERROR msg="tasks/river: job cancelled: no handler for its kind on the nodes that fetched it`) {
		t.Errorf("%d lines at level Error, want the one cancellation:\n%s", n, out)
	}
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Errorf("%d lines at level Warn, want the first put-back only:\n%s", n, out)
	}
	if s := worker.q.Stats(); s.Failed != 0 || s.Succeeded != 0 {
		t.Errorf("worker stats %+v: a job that never ran is neither failed nor succeeded", s)
	}
}

func TestShutdown(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	n := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer n.pool.Close()
	started := make(chan struct{}, 1)
	tasks.Register(n.q, "stubborn", func(ctx context.Context, _ struct{}) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	if err := tasks.Enqueue(context.Background(), n.q, "stubborn", struct{}{}, tasks.QueueName(queue)); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := n.q.Shutdown(ctx)
	var serr *tasks.ShutdownError
	if !errors.As(err, &serr) || len(serr.Running) != 1 || serr.Running[0].Kind != "stubborn" ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want a ShutdownError with the stubborn job running", err)
	}
	if err := n.q.Shutdown(context.Background()); err != tasks.ErrClosed {
		t.Errorf("second Shutdown = %v, want ErrClosed", err)
	}
	if err := tasks.Enqueue(context.Background(), n.q, "stubborn", struct{}{}); err != tasks.ErrClosed {
		t.Errorf("Enqueue after Shutdown = %v, want ErrClosed", err)
	}
	// Nothing is lost: the interrupted attempt is recorded for a retry.
	waitFor(t, 30*time.Second, "the interrupted job back in line", func() bool {
		rows := jobs(t, n.pool, queue, "stubborn")
		return len(rows) == 1 && rows[0].State != "running"
	})
	if rows := jobs(t, n.pool, queue, "stubborn"); rows[0].State == "completed" || rows[0].State == "discarded" {
		t.Errorf("interrupted job is %s", rows[0].State)
	}
}

func TestStartTwice(t *testing.T) {
	defer checkLeaks(t)()
	n := newNode(t, queueName(t), river.Options{}, tasks.QueueOptions{})
	defer n.close(t)
	if err := n.b.Start(n.q); err == nil || !strings.Contains(err.Error(), "started twice") {
		t.Errorf("second Start = %v", err)
	}
}

func TestOptionsErrors(t *testing.T) {
	pool := openPool(t)
	defer pool.Close()
	if _, err := river.New(context.Background(), pool, river.Options{Queues: map[string]int{"q": 0}}); err == nil ||
		!strings.Contains(err.Error(), `queue "q" has 0 workers`) {
		t.Errorf("New with 0 workers = %v", err)
	}
	if _, err := river.New(context.Background(), nil, river.Options{}); err == nil {
		t.Error("New with a nil pool: no error")
	}
}
