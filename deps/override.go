package deps

import (
	"context"
	"net/http"
	"slices"
	"sync/atomic"
)

// Override replaces a Provider or a Singleton with a fake in the requests
// whose context carries it (see WithOverrides and OverrideHandler): FastAPI's
// app.dependency_overrides, without global state, so parallel tests each get
// their own fakes. Make one with a dependency's Override or OverrideValue
// method.
type Override struct {
	d   *decl
	req resolver                               // for a Provider
	app func(ctx context.Context) (any, error) // for a Singleton
}

// Override returns an Override that makes fn provide p's value. The value
// is cached per request as p's would be; p's cleanup is not used.
func (p *Provider[T]) Override(fn func(r *http.Request) (T, error)) Override {
	return Override{d: &p.d, req: func(r *http.Request) (any, func(error), error) {
		v, err := fn(r)
		if err != nil {
			return nil, nil, err
		}
		return v, nil, nil
	}}
}

// OverrideValue returns an Override that provides v as p's value.
func (p *Provider[T]) OverrideValue(v T) Override {
	return Override{d: &p.d, req: func(*http.Request) (any, func(error), error) { return v, nil, nil }}
}

// overridden reports whether WithOverrides was ever called, so that
// programs that never override (production) skip the context lookup.
var overridden atomic.Bool

type overridesKey struct{}

// WithOverrides returns a copy of ctx in which ovs replace their
// dependencies, in addition to the overrides ctx already carries (a later
// override of the same dependency wins). Requests carrying the context
// (httptest.NewRequest(...).WithContext, or an http.Server's BaseContext)
// resolve the fakes instead; the overrides must be in the context when a
// dependency is first used in a request.
func WithOverrides(ctx context.Context, ovs ...Override) context.Context {
	overridden.Store(true)
	prev, _ := ctx.Value(overridesKey{}).([]Override)
	return context.WithValue(ctx, overridesKey{}, append(slices.Clip(prev), ovs...))
}

// OverrideHandler returns h with ovs in the context of every request: wrap
// the application under test with it, for example
//
//	srv := httptest.NewServer(deps.OverrideHandler(app, DB.OverrideValue(fake)))
//
// It panics if h is nil.
func OverrideHandler(h http.Handler, ovs ...Override) http.Handler {
	if h == nil {
		panic("deps: OverrideHandler with a nil handler")
	}
	overridden.Store(true)
	return &overrideHandler{next: h, ovs: slices.Clone(ovs)}
}

type overrideHandler struct {
	next http.Handler
	ovs  []Override
}

func (h *overrideHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.next.ServeHTTP(w, r.WithContext(WithOverrides(r.Context(), h.ovs...)))
}

// Unwrap returns the wrapped handler.
func (h *overrideHandler) Unwrap() http.Handler { return h.next }

// overrideFor returns the override of d carried by ctx, or nil.
func overrideFor(ctx context.Context, d *decl) *Override {
	if !overridden.Load() || ctx == nil {
		return nil
	}
	list, _ := ctx.Value(overridesKey{}).([]Override)
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].d == d {
			return &list[i]
		}
	}
	return nil
}
