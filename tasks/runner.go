package tasks

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/stdapi/stdapi"
)

// DefaultTimeout bounds each per-request task when Options.Timeout is zero.
const DefaultTimeout = time.Minute

// Options configures a Runner. The zero value is ready to use.
type Options struct {
	// Timeout bounds each task: its context is cancelled when Timeout has
	// passed since the task started. Zero means DefaultTimeout (one minute);
	// a negative value means no timeout.
	Timeout time.Duration
	// Logger receives failed and skipped tasks. Nil means slog.Default(),
	// looked up each time a task is logged.
	Logger *slog.Logger
}

// Runner runs the tasks that requests add with Add, after their responses.
// Create one with New, mount its Middleware, and call Shutdown when the
// server stops. A Runner is safe for concurrent use.
type Runner struct {
	timeout time.Duration
	logger  *slog.Logger

	busy    tracker      // requests inside Middleware plus task lists not finished
	lists   atomic.Int64 // task lists claimed and not finished
	pending atomic.Int64 // tasks claimed and not finished

	halted atomic.Bool
	halt   context.Context // cancelled when Shutdown gives up or returns
	stop   context.CancelFunc
}

// New returns a Runner configured by opts.
func New(opts Options) *Runner {
	r := &Runner{timeout: opts.Timeout, logger: opts.Logger}
	if r.timeout == 0 {
		r.timeout = DefaultTimeout
	}
	r.halt, r.stop = context.WithCancel(context.Background())
	return r
}

var defaultRunner = New(Options{})

// Default returns the Runner behind the package-level Middleware, with the
// default Options. Call Default().Shutdown when the server stops.
func Default() *Runner { return defaultRunner }

// Middleware wraps h with the default Runner: see Runner.Middleware.
func Middleware(h http.Handler) http.Handler { return defaultRunner.Middleware(h) }

// Middleware returns a handler that serves requests with h and, after each
// response, runs the tasks added during the request with Add.
//
// It opens the request scope of the stdapi package (stdapi.ServeScoped), or
// joins the one an outer middleware such as deps.Scope opened. When h
// returns, the request's task list is handed to the scope in one function
// (stdapi.Defer); the scope runs it in a new goroutine after the response
// has been flushed, before the cleanups that dependencies registered during
// the request.
func (r *Runner) Middleware(h http.Handler) http.Handler {
	m := &middleware{runner: r, next: h}
	m.inner = http.HandlerFunc(m.serveScoped)
	return m
}

type middleware struct {
	runner *Runner
	next   http.Handler
	inner  http.Handler // built once so that a request allocates no closure
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	stdapi.ServeScoped(w, req, m.inner)
}

// Unwrap returns the wrapped handler, for tools that inspect handler chains.
func (m *middleware) Unwrap() http.Handler { return m.next }

func (m *middleware) serveScoped(w http.ResponseWriter, req *http.Request) {
	m.runner.busy.add(1)
	defer m.runner.release(req.Context())
	m.next.ServeHTTP(w, req)
}

// release claims the task list of the request, if it has one, and hands it
// to the scope. It runs deferred so that a panicking handler's tasks are
// handed over too (and then skipped, unless added with EvenOnError).
func (r *Runner) release(ctx context.Context) {
	defer r.busy.add(-1)
	l := claim(ctx)
	if l == nil {
		return
	}
	l.runner = r
	r.busy.add(1)
	r.lists.Add(1)
	r.pending.Add(int64(len(l.tasks)))
	if !stdapi.Defer(ctx, l.run) {
		// An outer scope finished while this handler still ran (it was
		// called from a goroutine that outlived its request): the
		// response is long gone, so run the tasks now.
		go l.run(stdapi.RequestError(ctx))
	}
}

// done releases a task list of which n tasks had not finished.
func (r *Runner) done(n int) {
	r.pending.Add(-int64(n))
	r.lists.Add(-1)
	r.busy.add(-1)
}

func (r *Runner) log() *slog.Logger {
	if r.logger != nil {
		return r.logger
	}
	return slog.Default()
}

// Wait blocks until no request is inside the Runner's Middleware and every
// task list handed over has finished. It fits http.Server.RegisterOnShutdown,
// but the server does not wait for its hooks: a program that must not exit
// before its tasks end calls Shutdown after http.Server.Shutdown instead.
func (r *Runner) Wait() { _ = r.busy.wait(context.Background()) }

// Shutdown waits, like Wait, for the requests inside the Middleware and their
// tasks, until ctx is done. Then it stops the Runner: the contexts of running
// tasks are cancelled and tasks that have not started are skipped and logged,
// as are tasks of requests served later.
//
// It returns nil when everything finished in time, and otherwise an error
// that counts what did not and wraps ctx.Err().
func (r *Runner) Shutdown(ctx context.Context) error {
	err := r.busy.wait(ctx)
	if err != nil {
		// Counted before the running tasks are cancelled and return.
		lists := r.lists.Load()
		err = fmt.Errorf("tasks: shutdown: %d request(s) still being served, %d task(s) of %d request(s) not finished: %w",
			r.busy.count()-lists, r.pending.Load(), lists, err)
	}
	r.halted.Store(true)
	r.stop()
	return err
}
