package tasks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

type Email struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
}

func newQueue(t *testing.T, opts tasks.QueueOptions) *tasks.Queue {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	q, err := tasks.NewQueue(opts)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func shutdown(t *testing.T, q *tasks.Queue) {
	t.Helper()
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestQueueRunsTypedJobs(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	var mu sync.Mutex
	var got []Email
	tasks.Register(q, "email", func(ctx context.Context, e Email) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
		return nil
	})
	want := []Email{{"a@example.com", "hi"}, {"b@example.com", "hello"}}
	for _, e := range want {
		if err := tasks.Enqueue(context.Background(), q, "email", e); err != nil {
			t.Fatal(err)
		}
	}
	shutdown(t, q)
	slices.SortFunc(got, func(a, b Email) int { return strings.Compare(a.To, b.To) })
	if !slices.Equal(got, want) {
		t.Fatalf("ran %v, want %v", got, want)
	}
	if s := q.Stats(); s != (tasks.Stats{Enqueued: 2, Succeeded: 2}) {
		t.Fatalf("stats %+v", s)
	}
	if err := tasks.Enqueue(context.Background(), q, "email", Email{}); !errors.Is(err, tasks.ErrClosed) {
		t.Fatalf("Enqueue after Shutdown: %v", err)
	}
	if err := q.Shutdown(context.Background()); !errors.Is(err, tasks.ErrClosed) {
		t.Fatalf("second Shutdown: %v", err)
	}
}

func TestEnqueueErrors(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	defer shutdown(t, q)
	tasks.Register(q, "email", func(context.Context, Email) error { return nil })
	tasks.Register(q, "any", func(context.Context, any) error { return nil })
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unknown kind", tasks.Enqueue(ctx, q, "sms", Email{}),
			`tasks: enqueue "sms": tasks: no handler registered for job kind`},
		{"payload type", tasks.Enqueue(ctx, q, "email", "a@example.com"),
			`tasks: enqueue "email": payload is a string, the handler takes a tasks_test.Email`},
		{"pointer payload", tasks.Enqueue(ctx, q, "email", &Email{}),
			`tasks: enqueue "email": payload is a *tasks_test.Email, the handler takes a tasks_test.Email`},
		{"unencodable", tasks.Enqueue[any](ctx, q, "any", make(chan int)),
			`tasks: enqueue "any": encode payload: json: unsupported type: chan int`},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, tt.want)
		}
	}
	if err := tasks.Enqueue(ctx, q, "sms", 1); !errors.Is(err, tasks.ErrUnknownKind) {
		t.Errorf("unknown kind does not wrap ErrUnknownKind: %v", err)
	}
	if s := q.Stats(); s.Enqueued != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestRegisterPanics(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	defer shutdown(t, q)
	tasks.Register(q, "email", func(context.Context, Email) error { return nil })
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"empty kind", func() { tasks.Register(q, "", func(context.Context, Email) error { return nil }) },
			"tasks: Register with an empty kind"},
		{"nil func", func() { tasks.Register[Email](q, "x", nil) }, "tasks: Register x with a nil function"},
		{"twice", func() { tasks.Register(q, "email", func(context.Context, int) error { return nil }) },
			"tasks: job kind email registered twice"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if v := recover(); v != tt.want {
					t.Errorf("%s: panic %v, want %q", tt.name, v, tt.want)
				}
			}()
			tt.fn()
		}()
	}
}

// fakeClock records the sleeps of the in-memory backend and returns at once.
type fakeClock struct {
	mu     sync.Mutex
	sleeps []time.Duration
	rnd    []float64
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) rand() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rnd[0]
	c.rnd = append(c.rnd[1:], r)
	return r
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

func TestRetriesWithBackoff(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name       string
		failures   int // attempts that fail before one succeeds
		err        error
		opts       []tasks.EnqueueOption
		rnd        []float64
		wantSleeps []time.Duration
		wantStats  tasks.Stats
		wantLog    []string
	}{
		{"succeeds third time", 2, errors.New("timeout"), nil, []float64{0.5},
			[]time.Duration{time.Second, 2 * time.Second},
			tasks.Stats{Enqueued: 1, Succeeded: 1, Retried: 2},
			[]string{"WARN attempt 1", "WARN attempt 2"}},
		{"jitter low and high", 2, errors.New("timeout"), nil, []float64{0, 0.999},
			[]time.Duration{800 * time.Millisecond, 2*time.Second + 399200*time.Microsecond},
			tasks.Stats{Enqueued: 1, Succeeded: 1, Retried: 2},
			[]string{"WARN attempt 1", "WARN attempt 2"}},
		{"gives up", 10, errors.New("timeout"), nil, []float64{0.5},
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second},
			tasks.Stats{Enqueued: 1, Failed: 1, Retried: 4},
			[]string{"WARN attempt 1", "WARN attempt 2", "WARN attempt 3", "WARN attempt 4", "ERROR attempt 5"}},
		{"max attempts option", 10, errors.New("timeout"), []tasks.EnqueueOption{tasks.MaxAttempts(2)}, []float64{0.5},
			[]time.Duration{time.Second},
			tasks.Stats{Enqueued: 1, Failed: 1, Retried: 1},
			[]string{"WARN attempt 1", "ERROR attempt 2"}},
		{"permanent", 10, tasks.Permanent(errors.New("bad address")), nil, []float64{0.5},
			nil,
			tasks.Stats{Enqueued: 1, Failed: 1},
			[]string{"ERROR attempt 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logRecorder
			clock := &fakeClock{rnd: tt.rnd}
			q := newQueue(t, tasks.QueueOptions{Sleep: clock.sleep, Rand: clock.rand, Logger: logs.logger()})
			var attempts atomic.Int32
			tasks.Register(q, "email", func(ctx context.Context, e Email) error {
				if int(attempts.Add(1)) <= tt.failures {
					return tt.err
				}
				return nil
			})
			if err := tasks.Enqueue(context.Background(), q, "email", Email{To: "a@example.com"}, tt.opts...); err != nil {
				t.Fatal(err)
			}
			shutdown(t, q)
			if got := clock.recorded(); !slices.Equal(got, tt.wantSleeps) {
				t.Errorf("sleeps %v, want %v", got, tt.wantSleeps)
			}
			if s := q.Stats(); s != tt.wantStats {
				t.Errorf("stats %+v, want %+v", s, tt.wantStats)
			}
			var got []string
			for _, r := range logs.records(t) {
				got = append(got, fmt.Sprintf("%v attempt %v", r["level"], r["attempt"]))
				if r["kind"] != "email" || r["id"] != "1" || r["error"] != tt.err.Error() {
					t.Errorf("record %v", r)
				}
			}
			if !slices.Equal(got, tt.wantLog) {
				t.Errorf("log %q, want %q", got, tt.wantLog)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	tests := []struct {
		b       tasks.Backoff
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{tasks.Backoff{}, 1, 0.5, time.Second},
		{tasks.Backoff{}, 2, 0.5, 2 * time.Second},
		{tasks.Backoff{}, 9, 0.5, 256 * time.Second},
		{tasks.Backoff{}, 10, 0.5, 5 * time.Minute},
		{tasks.Backoff{}, 10, 0, 4 * time.Minute},
		{tasks.Backoff{}, 1000, 0.999, 5 * time.Minute},
		{tasks.Backoff{}, 1, 0, 800 * time.Millisecond},
		{tasks.Backoff{Base: time.Millisecond, Max: time.Hour, Jitter: -1}, 3, 0, 4 * time.Millisecond},
		{tasks.Backoff{Base: time.Millisecond, Jitter: 0.5}, 1, 0, 500 * time.Microsecond},
		{tasks.Backoff{Base: time.Millisecond, Jitter: 7}, 1, 0.75, 1500 * time.Microsecond},
		{tasks.Backoff{Base: time.Hour, Max: time.Minute, Jitter: -1}, 1, 0, time.Minute},
		{tasks.Backoff{Base: 1, Max: 1<<63 - 1, Jitter: -1}, 100, 0, 1<<63 - 1},
		{tasks.Backoff{}, 0, 0.5, time.Second},
		{tasks.Backoff{}, -5, 0.5, time.Second},
	}
	for _, tt := range tests {
		if got := tt.b.Delay(tt.attempt, tt.rnd); got != tt.want {
			t.Errorf("%+v.Delay(%d, %v) = %v, want %v", tt.b, tt.attempt, tt.rnd, got, tt.want)
		}
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{}) // the default Rand
	defer shutdown(t, q)
	b := tasks.Backoff{Base: 100 * time.Millisecond, Max: time.Hour}
	for attempt := 1; attempt <= 8; attempt++ {
		d := b.Delay(attempt, 0.5)
		for i := 0; i < 200; i++ {
			got := b.Delay(attempt, rand.Float64())
			if got < d*8/10 || got >= d*12/10 {
				t.Fatalf("attempt %d: %v outside [%v, %v)", attempt, got, d*8/10, d*12/10)
			}
		}
	}
}

func TestPanickingJob(t *testing.T) {
	defer leakcheck.Check(t)()
	var logs logRecorder
	clock := &fakeClock{rnd: []float64{0.5}}
	q := newQueue(t, tasks.QueueOptions{Workers: 1, MaxAttempts: 2, Sleep: clock.sleep, Rand: clock.rand, Logger: logs.logger()})
	var after atomic.Bool
	tasks.Register(q, "boom", func(context.Context, int) error { panic("kaboom") })
	tasks.Register(q, "ok", func(context.Context, int) error { after.Store(true); return nil })
	tasks.Enqueue(context.Background(), q, "boom", 1)
	tasks.Enqueue(context.Background(), q, "ok", 2)
	shutdown(t, q)
	if !after.Load() {
		t.Fatal("the worker did not survive the panic")
	}
	if s := q.Stats(); s != (tasks.Stats{Enqueued: 2, Succeeded: 1, Failed: 1, Retried: 1}) {
		t.Fatalf("stats %+v", s)
	}
	recs := logs.records(t)
	if len(recs) != 2 {
		t.Fatalf("records %v", recs)
	}
	for _, r := range recs {
		if r["error"] != "panic: kaboom" || !strings.Contains(fmt.Sprint(r["stack"]), "queue_test.go") {
			t.Errorf("record %v", r)
		}
	}
}

func TestBadPayloadFailsWithoutRetry(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	defer shutdown(t, q)
	tasks.Register(q, "email", func(context.Context, Email) error { return nil })
	tests := []struct {
		name    string
		job     tasks.Job
		want    string
		unknown bool
	}{
		{"bad json", tasks.Job{ID: "7", Kind: "email", Payload: json.RawMessage(`{"to":`), MaxAttempts: 5, Attempt: 1},
			"tasks: decode payload: unexpected end of JSON input", false},
		{"wrong shape", tasks.Job{ID: "8", Kind: "email", Payload: json.RawMessage(`[1]`), MaxAttempts: 5, Attempt: 1},
			"tasks: decode payload: json: cannot unmarshal array into Go value of type tasks_test.Email", false},
		{"unknown kind", tasks.Job{ID: "9", Kind: "sms", Payload: json.RawMessage(`{}`), MaxAttempts: 5, Attempt: 1},
			"tasks: job sms#9 attempt 1/5: tasks: no handler registered for job kind", true},
	}
	for _, tt := range tests {
		err := q.Work(context.Background(), &tt.job)
		if err == nil || err.Error() != tt.want || tasks.ShouldRetry(&tt.job, err) ||
			errors.Is(err, tasks.ErrUnknownKind) != tt.unknown {
			t.Errorf("%s: %v, want permanent %q", tt.name, err, tt.want)
		}
	}
}

// blockingQueue has one worker and a buffer of one; its "block" job signals
// when it starts and then waits for release or its context.
type blockingQueue struct {
	q       *tasks.Queue
	started chan string
	release chan struct{}
}

func newBlockingQueue(t *testing.T, opts tasks.QueueOptions) *blockingQueue {
	opts.Workers, opts.Buffer = 1, 1
	b := &blockingQueue{q: newQueue(t, opts), started: make(chan string, 16), release: make(chan struct{})}
	tasks.Register(b.q, "block", func(ctx context.Context, name string) error {
		b.started <- name
		select {
		case <-b.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	return b
}

func TestFullQueue(t *testing.T) {
	defer leakcheck.Check(t)()
	ctx := context.Background()
	t.Run("fail fast", func(t *testing.T) {
		b := newBlockingQueue(t, tasks.QueueOptions{FailFast: true})
		tasks.Enqueue(ctx, b.q, "block", "running")
		<-b.started
		if err := tasks.Enqueue(ctx, b.q, "block", "buffered"); err != nil {
			t.Fatal(err)
		}
		if err := tasks.Enqueue(ctx, b.q, "block", "refused"); !errors.Is(err, tasks.ErrFull) {
			t.Fatalf("Enqueue on a full queue: %v", err)
		}
		if s := b.q.Stats(); s != (tasks.Stats{Enqueued: 2, Queued: 1, Running: 1}) {
			t.Fatalf("stats %+v", s)
		}
		close(b.release)
		shutdown(t, b.q)
		if got := <-b.started; got != "buffered" {
			t.Fatalf("second job %q", got)
		}
	})
	t.Run("wait", func(t *testing.T) {
		b := newBlockingQueue(t, tasks.QueueOptions{})
		tasks.Enqueue(ctx, b.q, "block", "running")
		<-b.started
		tasks.Enqueue(ctx, b.q, "block", "buffered")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := tasks.Enqueue(cctx, b.q, "block", "refused"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Enqueue with a done context on a full queue: %v", err)
		}
		errc := make(chan error)
		go func() { errc <- tasks.Enqueue(ctx, b.q, "block", "waited") }()
		close(b.release) // room appears
		if err := <-errc; err != nil {
			t.Fatalf("waiting Enqueue: %v", err)
		}
		shutdown(t, b.q)
		if got := []string{<-b.started, <-b.started}; !slices.Equal(got, []string{"buffered", "waited"}) {
			t.Fatalf("ran %q", got)
		}
		if s := b.q.Stats(); s != (tasks.Stats{Enqueued: 3, Succeeded: 3}) {
			t.Fatalf("stats %+v", s)
		}
	})
	t.Run("waiting Enqueue released by Shutdown", func(t *testing.T) {
		b := newBlockingQueue(t, tasks.QueueOptions{})
		tasks.Enqueue(ctx, b.q, "block", "running")
		<-b.started
		tasks.Enqueue(ctx, b.q, "block", "buffered")
		errc := make(chan error)
		go func() { errc <- tasks.Enqueue(ctx, b.q, "block", "waiting") }()
		// Shutdown cannot finish before the running job, which waits for
		// release; the waiting Enqueue is refused in the meantime.
		done := make(chan error)
		go func() { done <- b.q.Shutdown(ctx) }()
		err := <-errc
		close(b.release)
		if serr := <-done; serr != nil {
			t.Fatal(serr)
		}
		// The waiting Enqueue either got in before Shutdown began, and its
		// job ran, or was refused.
		if err != nil && !errors.Is(err, tasks.ErrClosed) {
			t.Fatalf("waiting Enqueue: %v", err)
		}
		s := b.q.Stats()
		if s.Enqueued != s.Succeeded || s.Enqueued != 2+boolInt(err == nil) {
			t.Fatalf("stats %+v after Enqueue error %v", s, err)
		}
	})
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func TestShutdownDeadlineReportsUnfinished(t *testing.T) {
	defer leakcheck.Check(t)()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sleeping := make(chan time.Duration, 1)
	b := newBlockingQueue(t, tasks.QueueOptions{
		Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			sleeping <- d
			<-ctx.Done()
			return ctx.Err()
		},
	})
	ctx := context.Background()
	tasks.Enqueue(ctx, b.q, "block", "running")
	<-b.started
	tasks.Enqueue(ctx, b.q, "block", "queued")
	tasks.Enqueue(ctx, b.q, "block", "later", tasks.RunAt(now.Add(time.Hour)))
	if d := <-sleeping; d != time.Hour {
		t.Fatalf("run-at sleep %v", d)
	}
	if s := b.q.Stats(); s != (tasks.Stats{Enqueued: 3, Queued: 2, Running: 1}) {
		t.Fatalf("stats %+v", s)
	}
	sctx, cancel := context.WithCancel(ctx)
	cancel()
	err := b.q.Shutdown(sctx)
	var serr *tasks.ShutdownError
	if !errors.As(err, &serr) || !errors.Is(err, context.Canceled) ||
		err.Error() != "tasks: queue shutdown: 3 job(s) unfinished (1 running, 1 queued, 1 delayed): context canceled" {
		t.Fatalf("Shutdown: %v", err)
	}
	payloads := func(jobs []*tasks.Job) (out []string) {
		for _, j := range jobs {
			out = append(out, j.String()+" "+string(j.Payload))
		}
		return out
	}
	checks := []struct {
		name string
		got  []string
		want []string
	}{
		{"running", payloads(serr.Running), []string{`block#1 attempt 1/5 "running"`}},
		{"queued", payloads(serr.Queued), []string{`block#2 "queued"`}},
		{"delayed", payloads(serr.Delayed), []string{`block#3 "later"`}},
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if err := tasks.Enqueue(ctx, b.q, "block", "late"); !errors.Is(err, tasks.ErrClosed) {
		t.Fatalf("Enqueue after Shutdown: %v", err)
	}
	// The running job saw its context cancelled: interrupted, not retried.
	for b.q.Stats().Running != 0 {
		runtime.Gosched()
	}
	if s := b.q.Stats(); s != (tasks.Stats{Enqueued: 3}) {
		t.Fatalf("stats after Shutdown %+v", s)
	}
}

// TestDrainUnderConcurrentEnqueue: many goroutines enqueue while Shutdown
// runs; every job Enqueue accepted runs exactly once, and every refusal is
// ErrClosed.
func TestDrainUnderConcurrentEnqueue(t *testing.T) {
	defer leakcheck.Check(t)()
	for _, failFast := range []bool{false, true} {
		t.Run(fmt.Sprintf("FailFast=%v", failFast), func(t *testing.T) {
			q := newQueue(t, tasks.QueueOptions{Workers: 4, Buffer: 8, FailFast: failFast})
			const producers, each = 16, 300
			var runs [producers * each]atomic.Int32
			tasks.Register(q, "count", func(ctx context.Context, n int) error {
				runs[n].Add(1)
				return nil
			})
			var accepted [producers * each]bool
			var wg sync.WaitGroup
			halfway := make(chan struct{})
			var once sync.Once
			var errs sync.Map
			for p := range producers {
				wg.Go(func() {
					for i := range each {
						n := p*each + i
						if i == each/2 {
							once.Do(func() { close(halfway) })
						}
						err := tasks.Enqueue(context.Background(), q, "count", n)
						for failFast && errors.Is(err, tasks.ErrFull) {
							err = tasks.Enqueue(context.Background(), q, "count", n)
						}
						accepted[n] = err == nil
						if err != nil {
							errs.Store(err.Error(), true)
						}
					}
				})
			}
			<-halfway
			if err := q.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			wg.Wait()
			var nAccepted int64
			for n := range accepted {
				want := int32(0)
				if accepted[n] {
					want = 1
					nAccepted++
				}
				if got := runs[n].Load(); got != want {
					t.Fatalf("job %d accepted=%v ran %d times", n, accepted[n], got)
				}
			}
			errs.Range(func(k, _ any) bool {
				if k != tasks.ErrClosed.Error() {
					t.Errorf("Enqueue error %v", k)
				}
				return true
			})
			if s := q.Stats(); s != (tasks.Stats{Enqueued: nAccepted, Succeeded: nAccepted}) {
				t.Fatalf("stats %+v, %d accepted", s, nAccepted)
			}
			t.Logf("%d of %d jobs accepted before Shutdown", nAccepted, producers*each)
		})
	}
}

func TestUniqueKey(t *testing.T) {
	defer leakcheck.Check(t)()
	b := newBlockingQueue(t, tasks.QueueOptions{})
	ctx := context.Background()
	if err := tasks.Enqueue(ctx, b.q, "block", "first", tasks.UniqueKey("report:42")); err != nil {
		t.Fatal(err)
	}
	<-b.started
	if err := tasks.Enqueue(ctx, b.q, "block", "dup", tasks.UniqueKey("report:42")); !errors.Is(err, tasks.ErrDuplicate) {
		t.Fatalf("duplicate while running: %v", err)
	}
	if err := tasks.Enqueue(ctx, b.q, "block", "other", tasks.UniqueKey("report:43")); err != nil {
		t.Fatal(err)
	}
	b.release <- struct{}{}
	<-b.started // "other" runs: "first" has finished and released its key
	if err := tasks.Enqueue(ctx, b.q, "block", "again", tasks.UniqueKey("report:42")); err != nil {
		t.Fatalf("key reused after the job finished: %v", err)
	}
	close(b.release)
	shutdown(t, b.q)
	if s := b.q.Stats(); s != (tasks.Stats{Enqueued: 3, Succeeded: 3}) {
		t.Fatalf("stats %+v", s)
	}
}

func TestRunAtAndOptions(t *testing.T) {
	defer leakcheck.Check(t)()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := &fakeClock{rnd: []float64{0.5}}
	// This fake sleep returns at once, as if the time had come.
	sleep := func(ctx context.Context, d time.Duration) error { clock.sleep(ctx, d); return nil }
	q := newQueue(t, tasks.QueueOptions{Now: func() time.Time { return now }, Sleep: sleep, Rand: clock.rand})
	jobs := make(chan tasks.Job, 4)
	tasks.Register(q, "opts", func(ctx context.Context, n int) error {
		dl, ok := ctx.Deadline()
		if !ok || time.Until(dl) > time.Minute {
			return tasks.Permanent(fmt.Errorf("deadline %v %v", dl, ok))
		}
		return nil
	})
	ctx := context.Background()
	tasks.Enqueue(ctx, q, "opts", 1, tasks.RunAt(now.Add(90*time.Second)), tasks.QueueName("mail"), tasks.Priority(2))
	tasks.Enqueue(ctx, q, "opts", 2, tasks.RunAt(now.Add(-time.Hour)))
	shutdown(t, q)
	close(jobs)
	if got := clock.recorded(); !slices.Equal(got, []time.Duration{90 * time.Second}) {
		t.Fatalf("sleeps %v", got)
	}
	if s := q.Stats(); s != (tasks.Stats{Enqueued: 2, Succeeded: 2}) {
		t.Fatalf("stats %+v", s)
	}
}

// recordingBackend is a Backend that runs each job synchronously, to check
// what a Queue hands to a custom backend.
type recordingBackend struct {
	w    tasks.Worker
	jobs []tasks.Job
	errs []error
}

func (b *recordingBackend) Start(w tasks.Worker) error { b.w = w; return nil }
func (b *recordingBackend) Shutdown(context.Context) error {
	return nil
}
func (b *recordingBackend) Enqueue(ctx context.Context, job *tasks.Job) error {
	job.ID = fmt.Sprint(len(b.jobs) + 1)
	for job.Attempt = 1; ; job.Attempt++ {
		err := b.w.Work(ctx, job)
		if !tasks.ShouldRetry(job, err) {
			b.errs = append(b.errs, err)
			break
		}
	}
	b.jobs = append(b.jobs, *job)
	return nil
}

func TestCustomBackend(t *testing.T) {
	defer leakcheck.Check(t)()
	be := &recordingBackend{}
	q := newQueue(t, tasks.QueueOptions{Backend: be, MaxAttempts: 3})
	tasks.Register(q, "flaky", func(ctx context.Context, e Email) error {
		if e.To == "" {
			return errors.New("no address")
		}
		return nil
	})
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	tasks.Enqueue(ctx, q, "flaky", Email{To: "a@example.com"},
		tasks.QueueName("mail"), tasks.Priority(1), tasks.RunAt(at), tasks.UniqueKey("k"), tasks.MaxAttempts(0))
	tasks.Enqueue(ctx, q, "flaky", Email{})
	want := []tasks.Job{
		{ID: "1", Kind: "flaky", Payload: json.RawMessage(`{"to":"a@example.com","subject":""}`),
			Queue: "mail", Priority: 1, RunAt: at, UniqueKey: "k", MaxAttempts: 1, Attempt: 1},
		{ID: "2", Kind: "flaky", Payload: json.RawMessage(`{"to":"","subject":""}`), MaxAttempts: 3, Attempt: 3},
	}
	if len(be.jobs) != 2 {
		t.Fatalf("jobs %+v", be.jobs)
	}
	for i := range want {
		g, w := be.jobs[i], want[i]
		if g.ID != w.ID || g.Kind != w.Kind || string(g.Payload) != string(w.Payload) || g.Queue != w.Queue ||
			g.Priority != w.Priority || !g.RunAt.Equal(w.RunAt) || g.UniqueKey != w.UniqueKey ||
			g.MaxAttempts != w.MaxAttempts || g.Attempt != w.Attempt {
			t.Errorf("job %d = %+v, want %+v", i, g, w)
		}
	}
	if be.errs[0] != nil || be.errs[1] == nil || be.errs[1].Error() != "no address" {
		t.Errorf("outcomes %v", be.errs)
	}
	if s := q.Stats(); s != (tasks.Stats{Enqueued: 2, Succeeded: 1, Failed: 1, Retried: 2}) {
		t.Errorf("stats %+v", s)
	}
	shutdown(t, q)
}

func TestExpvar(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	tasks.Register(q, "noop", func(context.Context, struct{}) error { return nil })
	tasks.Enqueue(context.Background(), q, "noop", struct{}{})
	shutdown(t, q)
	want := `{"enqueued":1,"queued":0,"running":0,"succeeded":1,"failed":0,"retried":0}`
	if got := q.ExpvarFunc().String(); got != want {
		t.Fatalf("expvar %s, want %s", got, want)
	}
}

func TestPanicErrorFromJob(t *testing.T) {
	defer leakcheck.Check(t)()
	q := newQueue(t, tasks.QueueOptions{})
	defer shutdown(t, q)
	tasks.Register(q, "p", func(context.Context, int) error { panic(errors.New("inner")) })
	err := q.Work(context.Background(), &tasks.Job{Kind: "p", Payload: json.RawMessage("1"), MaxAttempts: 1, Attempt: 1})
	var p *stdapi.PanicError
	if !errors.As(err, &p) || err.Error() != "panic: inner" || errors.Unwrap(err).Error() != "inner" {
		t.Fatalf("Work: %v", err)
	}
}
