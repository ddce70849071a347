package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors returned by queues and backends.
var (
	// ErrFull is returned by Enqueue when the in-memory buffer is full and
	// QueueOptions.FailFast is set, or when the backlog would exceed
	// QueueOptions.MaxBacklog: retry later (HTTP 503 with Retry-After).
	ErrFull = errors.New("tasks: queue is full")
	// ErrClosed is returned by Enqueue once Shutdown has begun, and by a
	// second Shutdown.
	ErrClosed = errors.New("tasks: queue is shut down")
	// ErrDuplicate is returned by Enqueue for a job whose unique key belongs
	// to a job that is still queued or running.
	ErrDuplicate = errors.New("tasks: a job with this unique key is already queued")
	// ErrUnknownKind is returned for a job kind that has no registered handler.
	ErrUnknownKind = errors.New("tasks: no handler registered for job kind")
)

// Job is one unit of work as a Backend stores and delivers it. Jobs are
// created by Enqueue; backends fill ID and Attempt. Its JSON form, with the
// names of its tags, is how a program saves the jobs a Shutdown hands back,
// for Queue.Requeue after a restart.
type Job struct {
	// ID identifies the job within its backend; the in-memory backend
	// numbers jobs from 1.
	ID string `json:"id,omitempty"`
	// Kind names the registered handler that runs the job.
	Kind string `json:"kind"`
	// Payload is the handler's argument, encoded as JSON.
	Payload json.RawMessage `json:"payload"`
	// Queue is the named queue the job goes to; "" means the backend's
	// default. The in-memory backend has one queue and ignores it.
	Queue string `json:"queue,omitempty"`
	// Priority orders jobs within a queue, lower first, as in River (1 is
	// the highest); 0 means the backend's default. The in-memory backend
	// runs jobs in arrival order and ignores it.
	Priority int `json:"priority,omitempty"`
	// RunAt delays the first attempt until that time; zero means now.
	RunAt time.Time `json:"run_at,omitzero"`
	// UniqueKey, when not empty, makes Enqueue fail with ErrDuplicate while
	// another job with the same key is queued or running.
	UniqueKey string `json:"unique_key,omitempty"`
	// MaxAttempts is how many times the job may run, the first time
	// included. Enqueue sets it from the options; it is at least 1.
	MaxAttempts int `json:"max_attempts,omitempty"`
	// Attempt is the number of the attempt being run, from 1.
	Attempt int `json:"attempt,omitempty"`
}

// String describes the job for logs: kind, id and attempt.
func (j *Job) String() string {
	var b strings.Builder
	b.WriteString(j.Kind)
	b.WriteByte('#')
	b.WriteString(j.ID)
	if j.Attempt > 0 {
		b.WriteString(" attempt ")
		b.WriteString(strconv.Itoa(j.Attempt))
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(j.MaxAttempts))
	}
	return b.String()
}

// Backend stores jobs and delivers them to a Worker: the in-memory default
// (see QueueOptions) or a durable one such as a River adapter on Postgres.
//
// The contract is at-least-once delivery: a job accepted by Enqueue is
// delivered until an attempt succeeds, ShouldRetry reports false, or the
// backend loses it in a crash (the in-memory backend) — and a job may be
// delivered again after an attempt that did succeed, when the process died
// before the backend recorded it. Handlers must therefore be idempotent.
//
// A backend honours Job.RunAt, Job.MaxAttempts and Job.UniqueKey, retries a
// failed attempt after a delay while ShouldRetry allows it, and maps
// Job.Queue and Job.Priority onto its own queues and priorities where it has
// them. It may also implement Len() int, reporting how many jobs wait to run,
// for Stats.Queued.
type Backend interface {
	// Start begins delivering jobs to w. NewQueue calls it once, before
	// anything else.
	Start(w Worker) error
	// Enqueue stores job, or fails with ErrClosed, ErrFull, ErrDuplicate or
	// the context's error. On success the job is the backend's: the caller
	// must not change it.
	Enqueue(ctx context.Context, job *Job) error
	// Shutdown stops accepting jobs and waits until the accepted ones have
	// finished or ctx is done. It reports what did not finish, as a
	// *ShutdownError for the in-memory backend.
	Shutdown(ctx context.Context) error
}

// Worker runs jobs delivered by a Backend. *Queue is the Worker of its
// backend: it decodes the payload and calls the handler registered for the
// kind.
type Worker interface {
	// Work runs one attempt of job and returns its outcome.
	Work(ctx context.Context, job *Job) error
}

// Permanent wraps err so that the job is not retried: return it from a
// handler for a failure that another attempt cannot fix, such as invalid
// input. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// ShouldRetry reports whether a backend should run job again after the
// attempt that returned err: err is not nil, not wrapped with Permanent, and
// the job has attempts left.
func ShouldRetry(job *Job, err error) bool {
	var p *permanentError
	return err != nil && !errors.As(err, &p) && job.Attempt < job.MaxAttempts
}

// ShutdownError reports the jobs that had not finished when the context
// given to Shutdown was done: the queue hands them back, each with its kind
// and payload, and forgets them. A program that must not lose them logs or
// saves them (Jobs, in their JSON form) and gives them back to a new Queue
// with Requeue. With the in-memory backend, every job Enqueue accepted has
// either finished (succeeded or failed for good) or is listed here, once.
// A job listed as Running may also have finished, when its attempt
// returned nil after its context was cancelled: at least once.
type ShutdownError struct {
	// Running lists jobs whose attempt was in progress; their context was
	// cancelled. An attempt that ignores its context keeps its worker
	// goroutine until it returns, and is not retried.
	Running []*Job
	// Queued lists jobs that were waiting in the buffer.
	Queued []*Job
	// Delayed lists jobs that were waiting to be retried or for their
	// run-at time.
	Delayed []*Job
	// Err is the context's error.
	Err error
}

// Error counts the unfinished jobs.
func (e *ShutdownError) Error() string {
	n := len(e.Running) + len(e.Queued) + len(e.Delayed)
	return fmt.Sprintf("tasks: queue shutdown: %d job(s) unfinished (%d running, %d queued, %d delayed): %v",
		n, len(e.Running), len(e.Queued), len(e.Delayed), e.Err)
}

// Unwrap returns the context's error.
func (e *ShutdownError) Unwrap() error { return e.Err }

// Jobs returns every job listed: Running, then Queued, then Delayed.
func (e *ShutdownError) Jobs() []*Job {
	jobs := make([]*Job, 0, len(e.Running)+len(e.Queued)+len(e.Delayed))
	jobs = append(jobs, e.Running...)
	jobs = append(jobs, e.Queued...)
	return append(jobs, e.Delayed...)
}
