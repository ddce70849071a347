package deps

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/stdapi/stdapi"
)

// Provider provides a value of type T per request: FastAPI's Depends. The
// first use in a request calls its function; later uses in the same request,
// from any goroutine, get the same value (or the same error). Create
// Providers once, as package variables or at start-up; they are safe for
// concurrent use.
type Provider[T any] struct {
	d  decl
	fn resolver
}

// resolver is a provider's function with its value boxed.
type resolver func(r *http.Request) (any, func(error), error)

// New returns a Provider whose value is made by fn. fn receives the request
// (with a context to pass on to the other dependencies it uses, see From)
// and returns the value or an error: a *stdapi.Error keeps its status, such
// as 401 from an authentication dependency; any other error becomes a 500
// that does not reveal it. New panics if fn is nil.
func New[T any](fn func(r *http.Request) (T, error), opts ...Option) *Provider[T] {
	if fn == nil {
		panic("deps: New with a nil function")
	}
	p := &Provider[T]{fn: func(r *http.Request) (any, func(error), error) {
		v, err := fn(r)
		if err != nil {
			return nil, nil, err
		}
		return v, nil, nil
	}}
	p.d.init("deps.Provider", typeName[T](), opts)
	return p
}

// NewWithCleanup returns a Provider whose function also returns a cleanup,
// FastAPI's dependency with yield. Cleanups run after the handler has
// returned and the response has been flushed, in reverse order of creation (so a
// value is cleaned up before the values it was made from), one after the
// other in one goroutine. Each receives the request's error: nil on success,
// else the error the request was answered with (recorded by
// stdapi.WriteError) or a *stdapi.PanicError when the handler panicked. A
// panicking cleanup is logged with log/slog and the others still run. A nil
// cleanup is allowed; when fn returns an error, its cleanup is not called.
// NewWithCleanup panics if fn is nil.
func NewWithCleanup[T any](fn func(r *http.Request) (T, func(err error), error), opts ...Option) *Provider[T] {
	if fn == nil {
		panic("deps: NewWithCleanup with a nil function")
	}
	p := &Provider[T]{fn: func(r *http.Request) (any, func(error), error) {
		v, cleanup, err := fn(r)
		if err != nil {
			return nil, nil, err
		}
		return v, cleanup, nil
	}}
	p.d.init("deps.Provider", typeName[T](), opts)
	return p
}

// From returns the value for the request that ctx belongs to, resolving it
// on first use. Any code holding the request's context can call it: a
// handler, a bind handler, another provider's function (pass the context of
// the request it receives, so that cycles are detected), or a goroutine the
// handler started. On first use the provider's function receives the
// request that Scope saw, with ctx (and the values it adds) as its context.
//
// The error is a *stdapi.Error, ready for stdapi.WriteError: the provider's
// own *stdapi.Error, or a 500 whose cause (reachable with errors.Is and
// errors.As) is the provider's error, ErrNoScope when no Scope wraps the
// handler, or ErrCycle.
func (p *Provider[T]) From(ctx context.Context) (T, error) {
	v, err := p.d.resolve(ctx, nil, p.fn)
	t, _ := v.(T)
	return t, err
}

// Get is From for r's context; on first use, the provider's function
// receives r itself. It lets a plain handler write:
//
//	s, err := DB.Get(r)
//	if err != nil {
//		stdapi.WriteError(w, r, err)
//		return
//	}
func (p *Provider[T]) Get(r *http.Request) (T, error) {
	v, err := p.d.resolve(r.Context(), r, p.fn)
	t, _ := v.(T)
	return t, err
}

// Name returns the provider's name (see the Name option).
func (p *Provider[T]) Name() string { return p.d.name }

// OpenAPIParameters returns the OpenAPI Parameter Objects the provider
// declares (Parameter, ParameterObject) and those of the dependencies it
// declares with Uses.
func (p *Provider[T]) OpenAPIParameters() []map[string]any { return p.d.parameters() }

// OpenAPISecurity returns the security scheme the provider declares
// (Security), else the first one declared by the dependencies given to Uses;
// name is "" when there is none.
func (p *Provider[T]) OpenAPISecurity() (name string, scheme map[string]any, scopes []string) {
	return p.d.security()
}

func (p *Provider[T]) require(r *http.Request) error {
	_, err := p.d.resolve(r.Context(), r, p.fn)
	return err
}

// resolve returns the value of d in the request of ctx; r, when not nil, is
// the request handed to d's function.
func (d *decl) resolve(ctx context.Context, r *http.Request, fn resolver) (any, error) {
	v, err := stdapi.ScopeValue(ctx, stateKey{}, newState)
	if err != nil {
		return nil, internalError(ErrNoScope)
	}
	st := v.(*state)
	if !d.noCache {
		if e := st.lookup(d); e != nil && e.done.Load() {
			return e.val, e.err
		}
	}
	return d.resolveSlow(ctx, r, st, fn)
}

func (d *decl) resolveSlow(ctx context.Context, r *http.Request, st *state, fn resolver) (any, error) {
	st.mu.Lock()
	if st.req == nil {
		if r == nil {
			r = stdapi.ScopeRequest(ctx) // a scope that deps.Scope did not open
		}
		st.req = r
	}
	if r == nil {
		r = st.req
	}
	if d.noCache {
		st.mu.Unlock()
		if err := cycle(ctx, d); err != nil {
			return nil, err
		}
		return d.run(ctx, r, fn)
	}
	e := st.lookup(d)
	if e == nil {
		e = st.add(d)
		st.mu.Unlock()
		return d.runEntry(ctx, r, fn, st, e)
	}
	if e.done.Load() {
		val, err := e.val, e.err
		st.mu.Unlock()
		return val, err
	}
	// Another goroutine is resolving d: wait for it, unless that is us.
	if err := cycle(ctx, d); err != nil {
		st.mu.Unlock()
		return nil, err
	}
	if e.wait == nil {
		e.wait = make(chan struct{})
	}
	ch := e.wait
	st.mu.Unlock()
	select {
	case <-ch:
		return e.val, e.err
	case <-ctx.Done():
		return nil, wrapError(d.name, context.Cause(ctx))
	}
}

// runEntry resolves d into e, and publishes the outcome even when the
// function panics with http.ErrAbortHandler or calls runtime.Goexit, so that
// waiters never hang.
func (d *decl) runEntry(ctx context.Context, r *http.Request, fn resolver, st *state, e *entry) (val any, err error) {
	published := false
	defer func() {
		if !published {
			st.publish(e, nil, internalError(fmt.Errorf("deps: %s: the function did not return", d.name)))
		}
	}()
	val, err = d.run(ctx, r, fn)
	st.publish(e, val, err)
	published = true
	return val, err
}

// run calls d's function (or its override) and queues its cleanup.
func (d *decl) run(ctx context.Context, r *http.Request, fn resolver) (any, error) {
	if o := overrideFor(ctx, d); o != nil && o.req != nil {
		fn = o.req
	}
	val, cleanup, err := d.call(ctx, r, fn)
	if err != nil {
		return nil, wrapError(d.name, err)
	}
	if cleanup != nil {
		guarded := d.guard(ctx, cleanup)
		if !stdapi.Defer(ctx, guarded) {
			guarded(ErrScopeEnded)
			return nil, internalError(fmt.Errorf("deps: %s: %w", d.name, ErrScopeEnded))
		}
	}
	return val, nil
}

// call runs fn with a request whose context records that d is being
// resolved. A panic becomes a *stdapi.PanicError, except
// http.ErrAbortHandler which goes on.
func (d *decl) call(ctx context.Context, r *http.Request, fn resolver) (val any, cleanup func(error), err error) {
	f := &frame{Context: ctx, d: d, parent: frameOf(ctx)}
	f.req = *r.WithContext(f)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			val, cleanup, err = nil, nil, stdapi.NewPanicError(v)
		}
	}()
	return fn(&f.req)
}

// guard logs a panic of cleanup with the dependency's name, so that the
// next cleanups still run and the log says which one failed.
func (d *decl) guard(ctx context.Context, cleanup func(error)) func(error) {
	return func(err error) {
		defer func() {
			if v := recover(); v != nil {
				slog.ErrorContext(ctx, "deps: cleanup panicked", "dependency", d.name,
					"panic", v, "stack", string(stdapi.NewPanicError(v).Stack))
			}
		}()
		cleanup(err)
	}
}
