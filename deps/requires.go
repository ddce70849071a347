package deps

import (
	"errors"
	"net/http"
	"slices"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// Dependency is what Providers and Singletons of every type have in common:
// Requires and Uses take them. Only this package implements it.
type Dependency interface {
	// Name returns the name used in errors and logs.
	Name() string
	// OpenAPIParameters returns the OpenAPI Parameter Objects the dependency
	// consumes.
	OpenAPIParameters() []map[string]any
	// OpenAPISecurity returns the security scheme the dependency checks and
	// its scopes; name is "" when there is none.
	OpenAPISecurity() (name string, scheme map[string]any, scopes []string)

	require(r *http.Request) error
	bindInputs() []*bind.Input
}

// Requires returns middleware that resolves ds, in order, before calling the
// handler, for their effect only (FastAPI's dependencies=[Depends(...)] on a
// path operation). When any fails the handler is not called and the error
// is answered with stdapi.WriteError. Validation errors (422 with field
// errors) are collected, as FastAPI reports those of all the dependencies
// together: the others are still resolved, and their field errors are
// answered in one 422, in the order of ds. Any other error (a 401, a 500)
// is answered at once, in place of the 422s collected before it. Provider
// values stay cached for the handler.
// The handler it returns documents what ds declare (OpenAPIParameters,
// OpenAPISecurity) and unwraps to the wrapped handler. The middleware panics
// if the handler is nil.
func Requires(ds ...Dependency) func(http.Handler) http.Handler {
	var d decl
	d.aggregate(ds)
	ds = append([]Dependency(nil), ds...)
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("deps: Requires with a nil handler")
		}
		return &requiresHandler{ds: ds, d: &d, next: next}
	}
}

type requiresHandler struct {
	ds   []Dependency
	d    *decl
	next http.Handler
}

// ServeHTTP serves r in a request scope, its own when no outer middleware
// opened one (stdapi.ServeScoped): Requires needs no Scope in front.
func (h *requiresHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	stdapi.ServeScoped(w, r, http.HandlerFunc(h.serve))
}

func (h *requiresHandler) serve(w http.ResponseWriter, r *http.Request) {
	var v validationErrors
	for _, d := range h.ds {
		if d == nil {
			continue
		}
		if err := d.require(r); err != nil && !v.add(err) {
			stdapi.WriteError(w, r, err)
			return
		}
	}
	if err := v.err(); err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	h.next.ServeHTTP(w, r)
}

// validationErrors collects the 422s of several dependencies.
type validationErrors struct {
	errs []*stdapi.Error
}

// add collects err when it is a 422 with field errors, and reports whether
// it did. The same *stdapi.Error twice (a sub-dependency two dependencies
// share) counts once.
func (v *validationErrors) add(err error) bool {
	e, ok := errors.AsType[*stdapi.Error](err)
	if !ok || e.StatusCode() != http.StatusUnprocessableEntity || len(e.Errors) == 0 {
		return false
	}
	if !slices.Contains(v.errs, e) {
		v.errs = append(v.errs, e)
	}
	return true
}

// err returns the one 422 to answer: the only one collected as it is, or
// their field errors together.
func (v *validationErrors) err() error {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return v.errs[0]
	}
	var fields []stdapi.FieldError
	for _, e := range v.errs {
		fields = append(fields, e.Errors...)
	}
	return stdapi.ValidationError(fields...)
}

// Unwrap returns the wrapped handler.
func (h *requiresHandler) Unwrap() http.Handler { return h.next }

// OpenAPIParameters returns the parameters the required dependencies declare.
func (h *requiresHandler) OpenAPIParameters() []map[string]any { return h.d.parameters() }

// OpenAPISecurity returns the first security scheme the required
// dependencies declare, with the scopes all of them require under it.
func (h *requiresHandler) OpenAPISecurity() (name string, scheme map[string]any, scopes []string) {
	return h.d.security()
}
