package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"expvar"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stdapi/stdapi"
)

// Defaults of QueueOptions.
const (
	DefaultWorkers     = 4
	DefaultBuffer      = 1024
	DefaultMaxAttempts = 5
)

// QueueOptions configures a Queue. The zero value is ready to use.
type QueueOptions struct {
	// Backend stores and delivers the jobs. Nil means an in-memory backend
	// configured by the fields marked "in-memory" below; jobs it holds are
	// lost if the process dies.
	Backend Backend

	// Workers is how many jobs run at once (in-memory); zero means
	// DefaultWorkers (4).
	Workers int
	// Buffer is how many jobs may wait to run (in-memory); zero means
	// DefaultBuffer (1024). Jobs waiting for a retry or their run-at time do
	// not count.
	Buffer int
	// FailFast makes Enqueue return ErrFull at once when the buffer is full
	// (in-memory). By default Enqueue waits for room until its context is
	// done.
	FailFast bool
	// MaxBacklog bounds the work the queue holds (in-memory): Enqueue
	// returns ErrFull at once, whatever FailFast, when the jobs waiting in
	// the buffer and running, this one included, would take longer than
	// MaxBacklog to finish on Workers workers, at the mean duration of the
	// recent attempts. Set it below the time Shutdown is given, so that
	// what the queue accepts can drain. Zero means no bound but Buffer;
	// until an attempt has finished the mean is unknown and only Buffer
	// applies. Jobs waiting for a retry or their run-at time do not count.
	MaxBacklog time.Duration
	// Backoff spaces retries (in-memory); its zero value starts at one
	// second, doubles, caps at five minutes and jitters by ±20%.
	Backoff Backoff

	// MaxAttempts is how many times a job may run, the first time included,
	// unless Enqueue is given the MaxAttempts option; zero means
	// DefaultMaxAttempts (5).
	MaxAttempts int
	// Timeout bounds each attempt: its context is cancelled when Timeout has
	// passed. Zero means one minute; a negative value means no timeout.
	Timeout time.Duration
	// Logger receives failed attempts. Nil means slog.Default(), looked up
	// each time.
	Logger *slog.Logger

	// Now tells the time, to compute how long a job's RunAt is away and,
	// with MaxBacklog, how long attempts take (in-memory); nil means
	// time.Now. Tests replace it, with Sleep and Rand.
	Now func() time.Time
	// Sleep waits for d or until ctx is done, returning ctx.Err() then
	// (in-memory); nil means a timer. A replacement must return promptly
	// once ctx is done, or Shutdown waits for it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) to place each retry delay within the
	// jitter range (in-memory); nil means math/rand/v2.Float64.
	Rand func() float64
}

// Queue runs named, typed jobs in the background with retries: register a
// handler for each kind with Register, then Enqueue jobs of that kind.
// Create one with NewQueue and stop it with Shutdown. A Queue is safe for
// concurrent use.
//
// Delivery is at least once: a job can run more than once (after a retry of
// an attempt that did part of its work, or with a durable backend after a
// crash), so handlers must be idempotent.
type Queue struct {
	backend     Backend
	maxAttempts int
	timeout     time.Duration
	deadlines   deadlines // enforces timeout
	logger      *slog.Logger

	regMu    sync.Mutex
	handlers atomic.Pointer[map[string]*handler] // copied on write

	enqueued  counter
	running   counter
	succeeded counter
	failed    counter
	retried   counter
}

// counter is an atomic counter on its own cache line, so that workers on
// different cores do not slow each other down by updating neighbours.
type counter struct {
	atomic.Int64
	_ [56]byte
}

type handler struct {
	payload reflect.Type
	run     func(ctx context.Context, payload json.RawMessage) error
}

// NewQueue returns a started Queue configured by opts. It fails only when
// the backend fails to start.
func NewQueue(opts QueueOptions) (*Queue, error) {
	q := &Queue{
		backend:     opts.Backend,
		maxAttempts: opts.MaxAttempts,
		timeout:     opts.Timeout,
		logger:      opts.Logger,
	}
	if q.maxAttempts <= 0 {
		q.maxAttempts = DefaultMaxAttempts
	}
	if q.timeout == 0 {
		q.timeout = time.Minute
	}
	q.deadlines.timeout = q.timeout
	q.handlers.Store(&map[string]*handler{})
	if q.backend == nil {
		q.backend = newMemory(opts)
	}
	if err := q.backend.Start(q); err != nil {
		return nil, fmt.Errorf("tasks: start backend: %w", err)
	}
	return q, nil
}

// Register makes fn the handler of jobs of the given kind, whose payload is
// a P encoded as JSON. It panics when kind is empty or already registered,
// or fn is nil, as http.ServeMux does for a bad pattern: these are mistakes
// of the program's set-up.
//
// fn's error decides what happens next: nil completes the job; an error
// wrapped with Permanent, or any error on the last attempt, fails it; any
// other error schedules a retry. A payload that does not decode into P fails
// the job without retry.
func Register[P any](q *Queue, kind string, fn func(ctx context.Context, payload P) error) {
	if kind == "" {
		panic("tasks: Register with an empty kind")
	}
	if fn == nil {
		panic("tasks: Register " + kind + " with a nil function")
	}
	h := &handler{
		payload: reflect.TypeFor[P](),
		run: func(ctx context.Context, data json.RawMessage) error {
			var p P
			if err := json.Unmarshal(data, &p); err != nil {
				return Permanent(fmt.Errorf("tasks: decode payload: %w", err))
			}
			return fn(ctx, p)
		},
	}
	q.regMu.Lock()
	defer q.regMu.Unlock()
	old := *q.handlers.Load()
	if _, dup := old[kind]; dup {
		panic("tasks: job kind " + kind + " registered twice")
	}
	m := make(map[string]*handler, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[kind] = h
	q.handlers.Store(&m)
}

// EnqueueOption sets a field of the Job that Enqueue creates.
type EnqueueOption func(*Job)

// RunAt delays the job's first attempt until t.
func RunAt(t time.Time) EnqueueOption { return func(j *Job) { j.RunAt = t } }

// UniqueKey makes Enqueue fail with ErrDuplicate while a job with the same
// key is queued or running.
func UniqueKey(key string) EnqueueOption { return func(j *Job) { j.UniqueKey = key } }

// QueueName sends the job to a named queue of a backend that has them.
func QueueName(name string) EnqueueOption { return func(j *Job) { j.Queue = name } }

// Priority sets the job's priority for a backend that has them (lower runs
// first, 1 is the highest).
func Priority(p int) EnqueueOption { return func(j *Job) { j.Priority = p } }

// MaxAttempts overrides QueueOptions.MaxAttempts for one job; values below 1
// count as 1.
func MaxAttempts(n int) EnqueueOption { return func(j *Job) { j.MaxAttempts = max(n, 1) } }

// Enqueue adds a job of the given kind with payload to q. The kind must be
// registered with a handler taking a P. The payload is encoded as JSON now,
// so later changes to it do not affect the job.
//
// It returns ErrUnknownKind for an unregistered kind, an error for a payload
// of another type or that cannot be encoded, and the backend's error:
// ErrClosed after Shutdown, ErrFull when the in-memory buffer is full and
// FailFast is set or the backlog exceeds MaxBacklog, ErrDuplicate for a unique key in use, or ctx's error when
// ctx is done while waiting for room.
func Enqueue[P any](ctx context.Context, q *Queue, kind string, payload P, opts ...EnqueueOption) error {
	h := (*q.handlers.Load())[kind]
	if h == nil {
		return fmt.Errorf("tasks: enqueue %q: %w", kind, ErrUnknownKind)
	}
	if t := reflect.TypeFor[P](); t != h.payload {
		return fmt.Errorf("tasks: enqueue %q: payload is a %v, the handler takes a %v", kind, t, h.payload)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("tasks: enqueue %q: encode payload: %w", kind, err)
	}
	job := &Job{Kind: kind, Payload: data, MaxAttempts: q.maxAttempts}
	for _, o := range opts {
		o(job)
	}
	if err := q.backend.Enqueue(ctx, job); err != nil {
		return err
	}
	q.enqueued.Add(1)
	return nil
}

// Requeue enqueues again a job that a Queue handed back unfinished (one of
// a *ShutdownError's Jobs), typically saved at shutdown and read back after
// a restart. It keeps the job's Kind, Payload, Queue, Priority, RunAt,
// UniqueKey and MaxAttempts (the Queue's when zero); the backend gives it a
// new ID and its attempts start over. It does not change job. The job was
// accepted once, so QueueOptions.MaxBacklog does not refuse it; otherwise
// Requeue fails as Enqueue does, and with an error for a payload that is
// not JSON.
func (q *Queue) Requeue(ctx context.Context, job *Job) error {
	if (*q.handlers.Load())[job.Kind] == nil {
		return fmt.Errorf("tasks: requeue %q: %w", job.Kind, ErrUnknownKind)
	}
	if !json.Valid(job.Payload) {
		return fmt.Errorf("tasks: requeue %q: the payload is not JSON", job.Kind)
	}
	j := &Job{Kind: job.Kind, Payload: append(json.RawMessage(nil), job.Payload...), Queue: job.Queue,
		Priority: job.Priority, RunAt: job.RunAt, UniqueKey: job.UniqueKey, MaxAttempts: job.MaxAttempts}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = q.maxAttempts
	}
	var err error
	if m, ok := q.backend.(*memory); ok {
		err = m.enqueue(ctx, j, false)
	} else {
		err = q.backend.Enqueue(ctx, j)
	}
	if err != nil {
		return err
	}
	q.enqueued.Add(1)
	return nil
}

// Work runs one attempt of job: it decodes the payload and calls the handler
// registered for job.Kind with a context bounded by QueueOptions.Timeout. A
// panic in the handler becomes a *stdapi.PanicError. The outcome is counted
// in Stats and failures are logged; an attempt that fails after ctx is done
// counts as interrupted (neither retried nor failed), for the backend to
// report as unfinished. A job of a kind without a handler is not run,
// counted or logged: Work returns a Permanent error wrapping ErrUnknownKind
// and the backend decides, and says, what becomes of it (the river backend
// puts it back for a node that knows the kind, a limited number of times).
// Backends call Work; programs do not need to.
func (q *Queue) Work(ctx context.Context, job *Job) error {
	h := (*q.handlers.Load())[job.Kind]
	if h == nil {
		return Permanent(fmt.Errorf("tasks: job %s: %w", job, ErrUnknownKind))
	}
	q.running.Add(1)
	err := q.attempt(ctx, h, job)
	q.running.Add(-1)
	switch {
	case err == nil:
		q.succeeded.Add(1)
	case ctx.Err() != nil:
		// The backend is shutting down: the job is neither retried nor
		// given up, and its backend reports it as unfinished.
		q.log().WarnContext(ctx, "tasks: job interrupted by shutdown", jobAttrs(job, err)...)
	case ShouldRetry(job, err):
		q.retried.Add(1)
		q.log().WarnContext(ctx, "tasks: job failed, will retry", jobAttrs(job, err)...)
	default:
		q.failed.Add(1)
		q.log().ErrorContext(ctx, "tasks: job failed", jobAttrs(job, err)...)
	}
	return err
}

func (q *Queue) attempt(ctx context.Context, h *handler, job *Job) (err error) {
	if q.timeout > 0 {
		c := q.deadlines.start(ctx)
		defer q.deadlines.end(c)
		ctx = c
	}
	defer func() {
		if v := recover(); v != nil {
			err = stdapi.NewPanicError(v)
		}
	}()
	return h.run(ctx, job.Payload)
}

func jobAttrs(job *Job, err error) []any {
	attrs := []any{"kind", job.Kind, "id", job.ID, "attempt", job.Attempt,
		"max_attempts", job.MaxAttempts, "error", err}
	var p *stdapi.PanicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.Stack))
	}
	return attrs
}

func (q *Queue) log() *slog.Logger {
	if q.logger != nil {
		return q.logger
	}
	return slog.Default()
}

// Shutdown stops intake (Enqueue returns ErrClosed from now on) and waits
// until every accepted job has finished, retries included, or ctx is done.
// Then it stops the workers. With the in-memory backend, it returns nil when
// everything finished, and otherwise a *ShutdownError handing back every
// job that did not, with its payload, for the program to save and Requeue;
// their attempts in progress see their context cancelled.
func (q *Queue) Shutdown(ctx context.Context) error { return q.backend.Shutdown(ctx) }

// Stats are counters of a Queue since it was created, as seen by this
// process.
type Stats struct {
	// Enqueued counts jobs accepted by Enqueue.
	Enqueued int64 `json:"enqueued"`
	// Queued is how many jobs wait to run, retries and run-at times
	// included, when the backend reports it (the in-memory one does).
	Queued int64 `json:"queued"`
	// Running is how many attempts are in progress.
	Running int64 `json:"running"`
	// Succeeded counts jobs completed.
	Succeeded int64 `json:"succeeded"`
	// Failed counts jobs given up: their last attempt failed, or the error
	// was Permanent.
	Failed int64 `json:"failed"`
	// Retried counts failed attempts followed by a retry.
	Retried int64 `json:"retried"`
}

// Stats returns the Queue's counters. They are read one by one, so they may
// be a little apart from each other under load.
func (q *Queue) Stats() Stats {
	s := Stats{
		Enqueued:  q.enqueued.Load(),
		Running:   q.running.Load(),
		Succeeded: q.succeeded.Load(),
		Failed:    q.failed.Load(),
		Retried:   q.retried.Load(),
	}
	if l, ok := q.backend.(interface{ Len() int }); ok {
		s.Queued = int64(l.Len())
	}
	return s
}

// ExpvarFunc returns an expvar.Var publishing Stats as a JSON object:
//
//	expvar.Publish("tasks", q.ExpvarFunc())
func (q *Queue) ExpvarFunc() expvar.Func { return func() any { return q.Stats() } }

func defaultRand() float64 { return rand.Float64() }
