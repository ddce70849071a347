package bind

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"sync/atomic"
)

// Binder binds and validates an In, dependencies included, for handlers
// that are not made by Handler, such as ws.Endpoint: it is what Handler
// runs before calling its function. Make one with NewBinder; it is safe for
// concurrent use. A Binder is a Dependent: a handler that embeds it and
// satisfies Operation, as ws.Endpoint's does, receives its route's
// dependencies when docs registers it.
type Binder[In any] struct {
	input    *Input
	limits   Limits
	deps     []Dependency // Deps
	required []Dependency // Requires
	own      *depSet      // chosen from Deps and Requires alone, if complete
	set      atomic.Pointer[depSet]
}

// NewBinder compiles In and returns its Binder. WithLimits, Deps and
// Requires apply;
// Status has no effect. NewBinder panics on an invalid In, as Handler does.
func NewBinder[In any](opts ...Option) *Binder[In] {
	b := new(Binder[In])
	b.init(opts)
	return b
}

// init compiles In and applies opts; it returns the Status they set (200
// by default).
func (b *Binder[In]) init(opts []Option) int {
	input, err := Describe(reflect.TypeFor[In]())
	if err != nil {
		panic(err)
	}
	c := config{status: http.StatusOK}
	for _, o := range opts {
		o(&c)
	}
	b.input, b.limits, b.deps, b.required = input, c.limits.withDefaults(), c.deps, c.required
	if len(input.Deps) > 0 || len(c.required) > 0 {
		if s, err := chooseDeps(input, b.deps, b.required); err == nil {
			b.own = s
			b.set.Store(s) // complete without the route's groups
		}
	}
	return c.status
}

// Input describes In.
func (b *Binder[In]) Input() *Input { return b.input }

// Bind fills in from r, as Request does, then its dep fields (see
// Dependency), and returns nil or the error to answer with: one 422 with the
// dependencies' field errors and the input's, or a dependency's other error.
// Uploaded files spilled to disk are removed when r's context ends.
func (b *Binder[In]) Bind(r *http.Request, in *In) error {
	st := getState(b.input)
	defer st.release()
	err := b.bind(st, r, in)
	if len(st.temps) > 0 {
		temps := slices.Clone(st.temps)
		context.AfterFunc(r.Context(), func() { removeTemps(temps) })
	}
	return err
}
