package deps

import (
	"net/http"

	"github.com/stdapi/stdapi"
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
}

// Requires returns middleware that resolves ds, in order, before calling the
// handler, for their effect only (FastAPI's dependencies=[Depends(...)] on a
// path operation): the first error is answered with stdapi.WriteError and
// the handler is not called. Provider values stay cached for the handler.
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

func (h *requiresHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, d := range h.ds {
		if d == nil {
			continue
		}
		if err := d.require(r); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
	}
	h.next.ServeHTTP(w, r)
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
