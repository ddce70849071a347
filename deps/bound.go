package deps

import (
	"context"
	"fmt"
	"net/http"
	"reflect"

	"github.com/stdapi/stdapi/bind"
)

// Bind returns a Provider whose function receives its own typed inputs,
// bound and validated from the request by package bind's rules: path,
// query, header and cookie fields with their validate and default tags,
// FastAPI's dependency with parameters.
//
//	var Token = deps.Bind(func(ctx context.Context, in *struct {
//		XToken string `header:"X-Token" validate:"required"`
//	}) (string, error) { ... })
//
// A request whose inputs fail gets one 422 with every error, the handler's
// own included; fn is not called. Operations that use the Provider (as a
// dep field, with Requires or with Uses) document its parameters with their
// schemas and required flags. In cannot have a body, form or file fields,
// or dep fields (call the other Providers' From in fn): Bind panics on such
// an In, on an invalid one (see bind.Describe) and on a nil fn.
func Bind[In, T any](fn func(ctx context.Context, in *In) (T, error), opts ...Option) *Provider[T] {
	if fn == nil {
		panic("deps: Bind with a nil function")
	}
	return BindWithCleanup(func(ctx context.Context, in *In) (T, func(error), error) {
		v, err := fn(ctx, in)
		return v, nil, err
	}, opts...)
}

// BindWithCleanup is Bind for a function that also returns a cleanup (see
// NewWithCleanup).
func BindWithCleanup[In, T any](fn func(ctx context.Context, in *In) (T, func(err error), error), opts ...Option) *Provider[T] {
	if fn == nil {
		panic("deps: BindWithCleanup with a nil function")
	}
	input := mustParams(reflect.TypeFor[In]())
	p := &Provider[T]{fn: func(r *http.Request) (any, func(error), error) {
		in := new(In)
		if err := bind.Request(r, in); err != nil {
			return nil, nil, err
		}
		v, cleanup, err := fn(r.Context(), in)
		if err != nil {
			return nil, nil, err
		}
		return v, cleanup, nil
	}}
	p.d.inputs = []*bind.Input{input}
	p.d.init("deps.Provider", typeName[T](), opts)
	return p
}

// mustParams describes t, an input type with parameters only.
func mustParams(t reflect.Type) *bind.Input {
	in, err := bind.Describe(t)
	if err != nil {
		panic(err)
	}
	switch {
	case in.BodyKind != bind.BodyNone:
		panic(fmt.Sprintf("deps: Bind input %s reads the body: a dependency reads parameters only", t))
	case len(in.Deps) > 0:
		panic(fmt.Sprintf("deps: Bind input %s has dep fields: call the other Providers' From in the function", t))
	}
	return in
}

// DependencyType returns T. With Resolve it makes the Provider a
// bind.Dependency: a bind handler's field of type T tagged dep receives the
// request's value.
func (p *Provider[T]) DependencyType() reflect.Type { return reflect.TypeFor[T]() }

// Resolve is Get with the value boxed, for bind.
func (p *Provider[T]) Resolve(r *http.Request) (any, error) {
	return p.d.resolve(r.Context(), r, p.fn)
}

// BindInputs returns the typed inputs of the Provider (see Bind) and of the
// dependencies it declares with Uses, for documentation.
func (p *Provider[T]) BindInputs() []*bind.Input { return p.d.bindInputs() }

// DependencyType returns T (see Provider.DependencyType).
func (s *Singleton[T]) DependencyType() reflect.Type { return reflect.TypeFor[T]() }

// Resolve is Get with the value boxed, for bind.
func (s *Singleton[T]) Resolve(r *http.Request) (any, error) { return s.Get(r) }

// BindInputs returns the typed inputs of the dependencies the Singleton
// declares with Uses.
func (s *Singleton[T]) BindInputs() []*bind.Input { return s.d.bindInputs() }

// BindInputs returns the typed inputs of the dependencies, for
// documentation.
func (h *requiresHandler) BindInputs() []*bind.Input { return h.d.bindInputs() }

func (d *decl) bindInputs() []*bind.Input { return d.inputs }

func (p *Provider[T]) bindInputs() []*bind.Input  { return p.d.inputs }
func (s *Singleton[T]) bindInputs() []*bind.Input { return s.d.inputs }
