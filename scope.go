package stdapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/stdapi/stdapi/internal/scopehook"
	"github.com/stdapi/stdapi/internal/scopeseam"
)

// A request scope is the seam shared by the packages that keep per-request
// state and run work after the response: deps caches values and queues their
// cleanups in it, tasks queues background tasks in it. One scope serves them
// all, whichever middleware opened it, so their order does not depend on the
// order of the middlewares:
//
//  1. the handler runs; WriteError records the error it answers with;
//  2. the response is flushed and the handler returns, which lets net/http
//     complete the response;
//  3. in one new goroutine, the deferred functions run last-in first-out,
//     each receiving the request's error (nil on success).
//
// tasks defers its whole task list when the handler returns, so it runs
// before the cleanups deferred during the handler: background tasks can
// still use a database session that a dependency closes, as in FastAPI.
type scope struct {
	context.Context
	req    *http.Request // the request handed to the handler, with the scope as its context
	orig   *http.Request // for a scope without req yet (Open): what req is made from
	mu     sync.Mutex
	err    error
	done   bool // the deferred functions have been taken to run
	defers []func(error)
	hooked func()        // from internal/scopehook: called once the deferred functions have run
	nvals  atomic.Int32  // entries of vals in use; read without mu
	vals   [4]scopeEntry // the first values, inline: no allocation
	more   map[any]any   // values beyond len(vals), under mu
}

type scopeEntry struct{ key, val any }

type scopeKey struct{}

func (s *scope) Value(key any) any {
	if key == (scopeKey{}) {
		return s
	}
	return s.Context.Value(key)
}

func scopeOf(ctx context.Context) *scope {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(scopeKey{}).(*scope)
	return s
}

// ServeScoped calls h with a request whose context holds a request scope,
// then runs the functions queued with Defer after h returns, in a new
// goroutine so that the client is not kept waiting. When r already has a
// scope (an outer middleware opened one), ServeScoped just calls h and the
// outer call runs everything. A panic in h is recorded as the request's error
// (a *PanicError), the deferred functions still run, and the panic goes on.
//
// Middlewares such as deps.Scope and tasks.Middleware are built on it; an
// application rarely calls it directly.
func ServeScoped(w http.ResponseWriter, r *http.Request, h http.Handler) {
	if scopeOf(r.Context()) != nil {
		h.ServeHTTP(w, r)
		return
	}
	rs := &requestScope{scope: scope{Context: r.Context(), hooked: scopehook.Open(r.Context())}}
	s := &rs.scope
	rs.r = *r.WithContext(s)
	s.req = &rs.r
	panicked := true
	defer func() {
		if !panicked {
			s.finish(w)
			return
		}
		v := recover()
		if v != http.ErrAbortHandler {
			s.fail(NewPanicError(v))
		} else {
			s.fail(http.ErrAbortHandler)
		}
		s.finish(nil)
		panic(v)
	}()
	h.ServeHTTP(w, s.req)
	panicked = false
}

// requestScope is a scope and its request, in one allocation.
type requestScope struct {
	scope
	r http.Request
}

func init() { scopeseam.Open = openScope }

// openScope is scopeseam.Open: a scope whose request is made only when
// ScopeRequest asks for it, for bind handlers, which give their function
// the context.
func openScope(r *http.Request) (context.Context, scopeseam.Scope) {
	if scopeOf(r.Context()) != nil {
		return r.Context(), nil // with what was added below the scope
	}
	s := &scope{Context: r.Context(), orig: r, hooked: scopehook.Open(r.Context())}
	return s, s
}

// End ends a scope opened by openScope (scopeseam.Scope).
func (s *scope) End(w http.ResponseWriter, aborted bool) {
	if aborted {
		s.fail(http.ErrAbortHandler)
		w = nil
	}
	s.finish(w)
}

// finish flushes w (when not nil) and starts the deferred functions.
func (s *scope) finish(w http.ResponseWriter) {
	s.mu.Lock()
	fns, err := s.defers, s.err
	s.defers, s.done = nil, true
	s.mu.Unlock()
	if len(fns) == 0 {
		if s.hooked != nil {
			s.hooked()
		}
		return
	}
	if w != nil {
		flush(w)
	}
	running.add(1)
	go func() {
		defer running.add(-1)
		runDeferred(s.Context, fns, err)
		if s.hooked != nil {
			s.hooked()
		}
	}()
}

// flush sends what the handler left buffered, before the deferred functions
// run. A connection the handler hijacked (a WebSocket) has nothing to flush,
// and net/http logs, then panics, when one whose status was never written is
// flushed. An empty Write tells: net/http answers it with ErrHijacked and no
// log, and otherwise writes the 200 status Flush would write anyway. A
// wrapper that hides ErrHijacked still reaches Flush, whose panic is
// dropped so that the deferred functions run.
func flush(w http.ResponseWriter) {
	if _, err := w.Write(nil); errors.Is(err, http.ErrHijacked) {
		return
	}
	defer func() { _ = recover() }()
	_ = http.NewResponseController(w).Flush()
}

// running counts the goroutines running deferred functions, for
// WaitDeferred.
var running inflight

type inflight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed while n == 0
}

func (f *inflight) add(d int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.idle == nil {
		f.idle = make(chan struct{})
		close(f.idle)
	}
	if f.n == 0 && d > 0 {
		f.idle = make(chan struct{})
	}
	f.n += d
	if f.n == 0 {
		close(f.idle)
	}
}

func (f *inflight) wait() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.idle == nil {
		f.idle = make(chan struct{})
		close(f.idle)
	}
	return f.idle
}

// WaitDeferred waits until no request scope is running deferred functions
// (background tasks, dependency cleanups), or ctx is done, whose error it
// then returns. Call it at shutdown, after http.Server.Shutdown has waited
// for the handlers: those have queued their deferred functions by then.
//
//	srv.Shutdown(ctx)
//	stdapi.WaitDeferred(ctx) // tasks and cleanups of the last requests
func WaitDeferred(ctx context.Context) error {
	for {
		idle := running.wait()
		select {
		case <-idle:
			// A scope that finished while we waited may have started
			// another run; check again.
			running.mu.Lock()
			n := running.n
			running.mu.Unlock()
			if n == 0 {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func runDeferred(ctx context.Context, fns []func(error), err error) {
	for i := len(fns) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if v := recover(); v != nil {
					slog.ErrorContext(ctx, "stdapi: deferred function panicked",
						"panic", v, "stack", string(NewPanicError(v).Stack))
				}
			}()
			fns[i](err)
		}()
	}
}

func (s *scope) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// Defer queues fn to run after the response to the request that ctx belongs
// to, with the request's error (see RequestError). Functions run last-in
// first-out, one after the other, in one goroutine; a panic in one is logged
// and the next still run. Defer reports false, and queues nothing, when ctx
// has no request scope (no ServeScoped-based middleware is in front of the
// handler) or when the deferred functions have already started.
func Defer(ctx context.Context, fn func(err error)) bool {
	s := scopeOf(ctx)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.defers = append(s.defers, fn)
	return true
}

// Fail records err as the outcome of the request that ctx belongs to, unless
// an error was recorded already. WriteError calls it, so handlers rarely need
// to; middleware that answers errors on its own may. It does nothing when ctx
// has no request scope.
func Fail(ctx context.Context, err error) {
	if s := scopeOf(ctx); s != nil && err != nil {
		s.fail(err)
	}
}

// RequestError returns the first error recorded for the request that ctx
// belongs to (by WriteError, Fail, or a panic), or nil.
func RequestError(ctx context.Context) error {
	s := scopeOf(ctx)
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// ErrNoScope is returned by ScopeValue when a context has no request scope.
var ErrNoScope = errors.New("stdapi: no request scope in context (serve the handler with a bind handler, deps.Scope or tasks.Middleware)")

// ScopeRequest returns the request whose scope ctx belongs to, as the
// handler that opened the scope received it, or nil when ctx has no scope:
// what a lazily resolved value (a deps.Provider used through From) is made
// from.
func ScopeRequest(ctx context.Context) *http.Request {
	s := scopeOf(ctx)
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.req == nil && s.orig != nil {
		s.req = s.orig.WithContext(s)
	}
	return s.req
}

// ScopeValue returns the value stored under key in the request scope of ctx,
// storing init() there first if there is none yet. Packages keep their
// per-request state this way (deps' cache, tasks' list) without a context
// allocation of their own; key should be an unexported type of the package.
// init runs with the scope locked and must not call back into the scope.
func ScopeValue(ctx context.Context, key any, init func() any) (any, error) {
	s := scopeOf(ctx)
	if s == nil {
		return nil, ErrNoScope
	}
	n := int(s.nvals.Load())
	for i := 0; i < n; i++ {
		if s.vals[i].key == key {
			return s.vals[i].val, nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n = int(s.nvals.Load())
	for i := 0; i < n; i++ {
		if s.vals[i].key == key {
			return s.vals[i].val, nil
		}
	}
	if v, ok := s.more[key]; ok {
		return v, nil
	}
	v := init()
	if n < len(s.vals) {
		s.vals[n] = scopeEntry{key: key, val: v}
		s.nvals.Store(int32(n + 1))
		return v, nil
	}
	if s.more == nil {
		s.more = make(map[any]any)
	}
	s.more[key] = v
	return v, nil
}
