package river

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
)

// AddTimeout bounds the insertion of the jobs added with Add to one request.
const AddTimeout = 30 * time.Second

// Add enqueues a job of the given kind with payload into q once the response
// to the request that ctx belongs to has been sent, if the request
// succeeded: the durable twin of tasks.Add, for work that must survive a
// restart and may run on any node. It takes the options of tasks.Enqueue.
//
//	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
//		...
//		if err := river.Add(r.Context(), q, "welcome-email", Welcome{Email: email}); err != nil {
//			stdapi.WriteError(w, r, err)
//			return
//		}
//		w.WriteHeader(http.StatusCreated)
//	})
//	http.ListenAndServe(addr, tasks.Middleware(mux))
//
// Kind and payload are checked, and the payload encoded, at once: Add
// returns the errors of tasks.Enqueue for an unknown kind or a payload of
// the wrong type. The jobs added to one request are inserted together, in
// one transaction, after the response, by the goroutine that runs the
// request's background tasks, within AddTimeout. They are skipped when the
// request fails (stdapi.WriteError answered it, stdapi.Fail marked it, or
// its handler panicked), as tasks.Add skips its tasks. A failed insertion,
// or a job skipped for a unique key in use, is logged; the response has
// already gone. Such jobs do not count in the Queue's Stats.Enqueued.
//
// A process that dies between the response and the insertion loses the
// jobs: when a job must exist if and only if the request's changes do, use
// EnqueueTx in the transaction that makes them.
//
// Add returns ErrNotRiver when q's backend is not a running Backend,
// tasks.ErrNoMiddleware when ctx has no request scope (wrap the handler with
// tasks.Middleware or deps.Scope), and tasks.ErrStarted once the request's
// deferred work has begun.
func Add[P any](ctx context.Context, q *tasks.Queue, kind string, payload P, opts ...tasks.EnqueueOption) error {
	b, err := backendOf(q)
	if err != nil {
		return err
	}
	p := &prepared{}
	err = tasks.Enqueue(context.WithValue(ctx, prepareKey{}, p), q, kind, payload, opts...)
	if !errors.Is(err, errPrepared) {
		if err == nil {
			err = fmt.Errorf("tasks/river: add %q: the job was inserted at once", kind)
		}
		return err
	}
	v, err := stdapi.ScopeValue(ctx, addKey{b}, newAddList)
	if err != nil {
		return tasks.ErrNoMiddleware
	}
	l := v.(*addList)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.taken {
		return tasks.ErrStarted
	}
	if !l.deferred {
		b.adds.add(1)
		if !stdapi.Defer(ctx, func(reqErr error) { l.insert(ctx, b, reqErr) }) {
			b.adds.add(-1)
			return tasks.ErrStarted
		}
		l.deferred = true
	}
	l.jobs = append(l.jobs, p.job)
	return nil
}

// addKey keys the jobs a request adds for one Backend in its scope.
type addKey struct{ b *Backend }

type addList struct {
	mu       sync.Mutex
	deferred bool
	taken    bool
	jobs     []*tasks.Job
}

func newAddList() any { return new(addList) }

// insert runs after the response: it inserts the request's jobs in one
// transaction, unless the request failed.
func (l *addList) insert(reqCtx context.Context, b *Backend, reqErr error) {
	defer b.adds.add(-1)
	l.mu.Lock()
	l.taken = true
	jobs := l.jobs
	l.jobs = nil
	l.mu.Unlock()
	if reqErr != nil {
		b.logger.DebugContext(reqCtx, "tasks/river: jobs skipped: the request failed",
			"jobs", len(jobs), "request_error", reqErr)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), AddTimeout)
	defer cancel()
	if err := b.insertMany(ctx, jobs); err != nil {
		b.logger.ErrorContext(ctx, "tasks/river: jobs added to a request not enqueued",
			"jobs", len(jobs), "kind", jobs[0].Kind, "error", err)
	}
}

// insertMany inserts jobs in one transaction; duplicates are logged and
// skipped.
func (b *Backend) insertMany(ctx context.Context, jobs []*tasks.Job) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return tasks.ErrClosed
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, job := range jobs {
		args, opts, err := insertArgs(job)
		if err != nil {
			return err
		}
		params[i] = river.InsertManyParams{Args: args, InsertOpts: opts}
	}
	res, err := b.client.InsertMany(ctx, params)
	if err != nil {
		return fmt.Errorf("tasks/river: insert: %w", err)
	}
	for i, r := range res {
		if r.UniqueSkippedAsDuplicate {
			b.logger.InfoContext(ctx, "tasks/river: added job skipped: its unique key is in use",
				"kind", jobs[i].Kind, "unique_key", jobs[i].UniqueKey)
			continue
		}
		jobs[i].ID = strconv.FormatInt(r.Job.ID, 10)
	}
	return nil
}
