package river

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stdapi/stdapi/tasks"
)

// Kind is the River job kind of every job this package inserts. River
// registers workers by kind before its client starts, while tasks registers
// handlers after its Queue has started the backend: so River sees one kind,
// whose worker dispatches each job to the handler of its tasks kind, found
// in the job's arguments. In River's tables and UI, the tasks kind is the
// "kind" member of the arguments, and the job's first tag when it is a
// valid River tag.
const Kind = "stdapi.task"

// envelope is the River job arguments of a tasks job.
type envelope struct {
	// TaskKind is the tasks kind: the name of the registered handler.
	TaskKind string `json:"kind"`
	// Payload is the handler's argument, as encoded by tasks.Enqueue.
	Payload json.RawMessage `json:"payload"`
	// UniqueKey is the job's unique key; River hashes it alone (with this
	// package's one Kind) into the job's unique key.
	UniqueKey string `json:"unique_key,omitempty" river:"unique"`
}

// Kind is the River kind shared by all tasks jobs.
func (envelope) Kind() string { return Kind }

// uniqueStates are the states in which a job holds its unique key: from
// insertion until it completes, fails for good or is cancelled, as with the
// in-memory backend. River's default would also keep completed jobs, for as
// long as it retains them.
var uniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// insertArgs maps a tasks job onto River's arguments and insert options.
func insertArgs(job *tasks.Job) (envelope, *river.InsertOpts, error) {
	if job.Priority < 0 || job.Priority > 4 {
		return envelope{}, nil, fmt.Errorf("tasks/river: job %s: priority %d is outside River's 1 (highest) to 4", job.Kind, job.Priority)
	}
	opts := &river.InsertOpts{
		MaxAttempts: max(job.MaxAttempts, 1),
		Priority:    job.Priority, // 0 is River's default, 1
		Queue:       job.Queue,    // "" is River's default queue
	}
	if !job.RunAt.IsZero() && job.RunAt.After(time.Now()) {
		opts.ScheduledAt = job.RunAt
	}
	if validTag(job.Kind) {
		opts.Tags = []string{job.Kind}
	}
	if job.UniqueKey != "" {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: uniqueStates}
	}
	payload := job.Payload
	if payload == nil {
		payload = json.RawMessage("null")
	}
	return envelope{TaskKind: job.Kind, Payload: payload, UniqueKey: job.UniqueKey}, opts, nil
}

// validTag reports whether s is a River tag: 3 to 255 word characters or
// hyphens, starting and ending with a word character.
func validTag(s string) bool {
	if len(s) < 3 || len(s) > 255 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '-' && c != '_' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// dispatcher is the one River worker: it hands each job to the tasks Worker
// (the Queue) and translates the outcome for River.
type dispatcher struct {
	river.WorkerDefaults[envelope]
	b *Backend
}

func (d *dispatcher) Work(ctx context.Context, rj *river.Job[envelope]) error {
	b := d.b
	b.mu.Lock()
	w := b.worker
	job := &tasks.Job{
		ID:          strconv.FormatInt(rj.ID, 10),
		Kind:        rj.Args.TaskKind,
		Payload:     rj.Args.Payload,
		Queue:       rj.Queue,
		Priority:    rj.Priority,
		RunAt:       rj.ScheduledAt,
		UniqueKey:   rj.Args.UniqueKey,
		MaxAttempts: rj.MaxAttempts,
		Attempt:     rj.Attempt,
	}
	b.running[rj.ID] = job
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.running, rj.ID)
		b.mu.Unlock()
	}()
	err := w.Work(ctx, job)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tasks.ErrUnknownKind):
		return b.unknownKind(ctx, rj, job)
	case !tasks.ShouldRetry(job, err) && job.Attempt < job.MaxAttempts:
		// tasks.Permanent: no further attempt, whatever remains.
		return river.JobCancel(err)
	}
	return err
}

// unknownKind decides the fate of a job whose kind has no handler on this
// node. It is put back for UnknownKindDelay without using an attempt, for a
// node that knows the kind (a newer version during a rolling deploy, or
// this one once its handlers are registered), at most UnknownKindLimit
// times, counted by River in the job's metadata ("snoozes") across nodes;
// then it is cancelled. The first put-back is logged at Warn, the next ones
// at Debug, the cancellation at Error: one line each, not one per offer.
func (b *Backend) unknownKind(ctx context.Context, rj *river.Job[envelope], job *tasks.Job) error {
	var md struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(rj.Metadata, &md) // no metadata: never put back
	attrs := []any{"kind", job.Kind, "job_id", rj.ID, "queue", rj.Queue, "put_backs", md.Snoozes}
	if b.unknownLimit >= 0 && md.Snoozes >= b.unknownLimit {
		b.logger.ErrorContext(ctx, "tasks/river: job cancelled: no handler for its kind on the nodes that fetched it"+
			" (River keeps the row, cancelled, where it can be retried)", attrs...)
		return river.JobCancel(fmt.Errorf("tasks/river: no handler for job kind %q after %d put-backs: %w",
			job.Kind, md.Snoozes, tasks.ErrUnknownKind))
	}
	level := slog.LevelDebug
	if md.Snoozes == 0 {
		level = slog.LevelWarn
	}
	b.logger.Log(ctx, level, "tasks/river: no handler for the job's kind on this node: put back", append(attrs, "delay", b.unknown)...)
	return river.JobSnooze(b.unknown)
}

// retryPolicy schedules retries with a tasks.Backoff, so that a job is
// retried on the same schedule with River as in memory.
type retryPolicy struct{ backoff tasks.Backoff }

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(p.backoff.Delay(max(job.Attempt, 1), rand.Float64()))
}
