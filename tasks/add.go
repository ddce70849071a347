package tasks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/stdapi/stdapi"
)

// Errors returned by Add.
var (
	// ErrNoMiddleware means the context does not belong to a request served
	// through tasks.Middleware (or another middleware opening the stdapi
	// request scope, such as deps.Scope).
	ErrNoMiddleware = errors.New("tasks: no request scope in context: wrap the handler with tasks.Middleware")
	// ErrStarted means the request's tasks were already handed over to run:
	// the handler has returned, so it is too late to add one.
	ErrStarted = errors.New("tasks: the request's background tasks have already started")
)

// AddOption changes how Add treats one task.
type AddOption func(*task)

// EvenOnError runs the task even when the request failed: by default, tasks
// of a request answered with stdapi.WriteError, marked with stdapi.Fail, or
// whose handler panicked are skipped.
func EvenOnError() AddOption { return func(t *task) { t.evenOnError = true } }

// Name names the task in log records ("task" attribute).
func Name(name string) AddOption { return func(t *task) { t.name = name } }

// Add queues fn to run after the response to the request that ctx belongs to,
// after the tasks added before it. It can be called from the handler and from
// anything the handler calls with the request's context (dependencies,
// helpers), but not after the handler has returned.
//
// fn receives a context that keeps ctx's values (the authenticated principal,
// dependency values, trace ids) but not its cancellation or deadline: the
// task runs after the client has its response, even when the client has
// disconnected. The context is cancelled when the Runner's timeout passes or
// when Runner.Shutdown gives up.
//
// Add returns ErrNoMiddleware when ctx has no request scope, ErrStarted when
// the request's tasks have already been handed over, and an error when fn is
// nil.
func Add(ctx context.Context, fn func(ctx context.Context) error, opts ...AddOption) error {
	if fn == nil {
		return errors.New("tasks: Add called with a nil function")
	}
	v, err := stdapi.ScopeValue(ctx, listKey{}, newList)
	if err != nil {
		return ErrNoMiddleware
	}
	l, _ := v.(*list)
	if l == nil {
		return ErrStarted
	}
	t := task{ctx: ctx, fn: fn}
	for _, o := range opts {
		if o != nil {
			o(&t)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.claimed {
		return ErrStarted
	}
	if !l.fallback {
		// The first task also asks the scope to run the list should no
		// tasks.Middleware claim it, as when only deps.Scope opened the
		// scope. The default Runner counts the list as busy until then.
		defaultRunner.busy.add(1)
		if !stdapi.Defer(ctx, l.runUnclaimed) {
			defaultRunner.busy.add(-1)
			return ErrStarted
		}
		l.fallback = true
	}
	l.tasks = append(l.tasks, t)
	return nil
}

type listKey struct{}

// list is the task list of one request, kept in its stdapi request scope.
type list struct {
	mu       sync.Mutex
	claimed  bool
	fallback bool
	tasks    []task
	runner   *Runner // set when claimed
}

type task struct {
	ctx         context.Context
	fn          func(context.Context) error
	evenOnError bool
	name        string
}

func newList() any { return new(list) }

// noList marks a request without tasks as finished, so that a late Add
// reports ErrStarted.
func noList() any { return (*list)(nil) }

// claim takes the task list of the request that ctx belongs to, or returns
// nil when there is none or another middleware took it.
func claim(ctx context.Context) *list {
	v, err := stdapi.ScopeValue(ctx, listKey{}, noList)
	if err != nil {
		return nil
	}
	l, _ := v.(*list)
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.claimed {
		return nil
	}
	l.claimed = true
	if l.fallback {
		defaultRunner.busy.add(-1)
	}
	return l
}

// runUnclaimed runs a list that no tasks.Middleware claimed, with the
// default Runner.
func (l *list) runUnclaimed(reqErr error) {
	l.mu.Lock()
	if l.claimed {
		l.mu.Unlock()
		return
	}
	l.claimed = true
	l.mu.Unlock()
	r := defaultRunner
	l.runner = r
	r.lists.Add(1)
	r.pending.Add(int64(len(l.tasks)))
	l.run(reqErr)
}

// run runs the tasks in order. A failing task is logged and the next still
// run.
func (l *list) run(reqErr error) {
	r := l.runner
	left := len(l.tasks)
	defer func() { r.done(left) }()
	for i := range l.tasks {
		t := &l.tasks[i]
		switch {
		case reqErr != nil && !t.evenOnError:
			r.log().DebugContext(t.ctx, "tasks: background task skipped: the request failed",
				taskAttrs(t, "request_error", reqErr)...)
		case r.halted.Load():
			r.log().WarnContext(t.ctx, "tasks: background task skipped: runner shut down", taskAttrs(t)...)
		default:
			r.runTask(t)
		}
		t.ctx, t.fn = nil, nil
		left--
		r.pending.Add(-1)
	}
}

func (r *Runner) runTask(t *task) {
	ctx, cancel := detach(t.ctx, r.timeout)
	defer cancel()
	stop := context.AfterFunc(r.halt, cancel)
	defer stop()
	if err := call(ctx, t.fn); err != nil {
		attrs := taskAttrs(t, "error", err)
		var p *stdapi.PanicError
		if errors.As(err, &p) {
			attrs = append(attrs, "stack", string(p.Stack))
		}
		r.log().ErrorContext(ctx, "tasks: background task failed", attrs...)
	}
}

// detach returns a context with ctx's values, none of its cancellation, and
// the given timeout (none when timeout <= 0).
func detach(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx = context.WithoutCancel(ctx)
	if timeout > 0 {
		return context.WithTimeout(ctx, timeout)
	}
	return context.WithCancel(ctx)
}

// call runs fn, turning a panic into a *stdapi.PanicError. After the response
// http.ErrAbortHandler has no handler to abort: it is a failure like any other.
func call(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = stdapi.NewPanicError(v)
		}
	}()
	return fn(ctx)
}

func taskAttrs(t *task, kv ...any) []any {
	if t.name == "" {
		return kv
	}
	return append([]any{"task", t.name}, kv...)
}
