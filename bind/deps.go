package bind

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/stdapi/stdapi"
)

// Dependency provides the value of the input fields tagged dep whose type is
// its DependencyType: a database session, the current user, settings.
// deps.Provider and security.Current implement it.
//
//	type ListItems struct {
//		DB   *Session `dep:""`
//		User *User    `dep:""`
//		Skip int      `query:"skip"`
//	}
//
// A Handler calls Resolve for each dependency field before calling its
// function, in field order, with the request. Resolve returns the value (of
// DependencyType) or an error: a 422 *stdapi.Error lists problems with the
// dependency's own inputs, which the handler reports together with its
// own in one 422 (dependency errors first, as FastAPI does); any other
// error is the response, before the handler's own 422, so that a 401 wins
// over a bad body.
type Dependency interface {
	DependencyType() reflect.Type
	Resolve(r *http.Request) (any, error)
}

// Dependent is implemented by the handlers Handler returns. Route
// registration (docs.API.Handle and docs groups) calls UseDependencies once
// per route, at start-up, with the dependencies the route and its groups
// offer; Dependencies reports the ones chosen, for documentation.
type Dependent interface {
	// UseDependencies gives every dep field that Deps did not fill the
	// first of offered whose DependencyType is assignable to the field's
	// type, and adds required to the dependencies resolved for their effect
	// (see Requires). It returns an error naming the fields none of them
	// provides, or when an earlier call chose differently.
	UseDependencies(offered, required []Dependency) error
	// Dependencies returns the dependency of each dep field, in field
	// order; nil for a field that has none yet.
	Dependencies() []Dependency
}

// Requires makes a Handler resolve ds before its function, in order, for
// their effect only: FastAPI's dependencies=[Depends(verify_token)]. Their
// 422s come first in the handler's one 422, with those of its dep fields and
// its own input; another error (a 400, a 401) is the response. docs.Requires
// adds a route's and its groups' to these.
func Requires(ds ...Dependency) Option {
	return func(c *config) { c.required = append(c.required, ds...) }
}

// Deps offers dependencies to a Handler's dep fields, before those of the
// route's groups. A dep field that no dependency provides is a panic when
// the route is registered with docs, and a 500 (logged) when a request
// reaches a handler that was never registered.
func Deps(ds ...Dependency) Option {
	return func(c *config) { c.deps = append(c.deps, ds...) }
}

func (in *Input) addDep(t reflect.Type, sf reflect.StructField, index []int) error {
	if sf.Anonymous {
		return fmt.Errorf("bind: %s.%s: an embedded field cannot be a dependency (tag dep)", t, sf.Name)
	}
	if v := sf.Tag.Get("dep"); v != "" {
		return fmt.Errorf("bind: %s.%s: tag dep:%q takes no value (write dep:\"\")", t, sf.Name, v)
	}
	for _, s := range append(sourceTags, "body") {
		if _, ok := sf.Tag.Lookup(s); ok {
			return fmt.Errorf("bind: %s.%s: tags dep and %s on one field", t, sf.Name, s)
		}
	}
	sf.Index = index
	in.Deps = append(in.Deps, sf)
	return nil
}

// depSet is the dependency chosen for each dep field of an input, and the
// ones resolved for their effect.
type depSet struct {
	deps     []Dependency // by Input.Deps index
	required []Dependency
}

// Dependencies returns the dependency of each dep field, in field order;
// nil for a field that has none yet.
func (b *Binder[In]) Dependencies() []Dependency {
	if s := b.set.Load(); s != nil {
		return s.deps
	}
	return make([]Dependency, len(b.input.Deps))
}

// UseDependencies gives every dep field that Deps did not fill the first of
// offered whose DependencyType is assignable to the field's type, and adds
// required after the Binder's own Requires (see Dependent).
func (b *Binder[In]) UseDependencies(offered, required []Dependency) error {
	chosen, err := chooseDeps(b.input, append(b.deps[:len(b.deps):len(b.deps)], offered...),
		append(b.required[:len(b.required):len(b.required)], required...))
	if err != nil {
		return err
	}
	if old := b.set.Load(); old != nil && old != b.own {
		if !slices.Equal(old.deps, chosen.deps) || !slices.Equal(old.required, chosen.required) {
			return fmt.Errorf("bind: %s: the handler is registered twice with different dependencies", b.input.Type)
		}
		return nil
	}
	b.set.Store(chosen)
	return nil
}

// RequiredDependencies returns the dependencies resolved for their effect
// (Requires, docs.Requires), in order.
func (b *Binder[In]) RequiredDependencies() []Dependency {
	if s := b.set.Load(); s != nil {
		return s.required
	}
	return b.required
}

// chooseDeps picks, for each dep field of in, the first of ds that provides
// its type.
func chooseDeps(in *Input, ds, required []Dependency) (*depSet, error) {
	s := &depSet{deps: make([]Dependency, len(in.Deps)), required: slices.DeleteFunc(slices.Clone(required), isNil)}
	var missing []string
	for i, f := range in.Deps {
		for _, d := range ds {
			if d != nil && d.DependencyType().AssignableTo(f.Type) {
				s.deps[i] = d
				break
			}
		}
		if s.deps[i] == nil {
			missing = append(missing, f.Name+" "+f.Type.String())
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("bind: %s: no dependency provides %s", in.Type, strings.Join(missing, ", "))
	}
	return s, nil
}

// resolveDeps fills the dep fields of v. It returns the validation errors of
// the dependencies' own inputs, or another error that is the response.
func (b *Binder[In]) resolveDeps(r *http.Request, v reflect.Value, s *depSet) ([]stdapi.FieldError, error) {
	if s == nil {
		return nil, fmt.Errorf("bind: %s: dependency fields without dependencies: register the route with docs or pass bind.Deps", b.input.Type)
	}
	var fes []stdapi.FieldError
	for _, d := range s.required {
		if _, err := d.Resolve(r); err != nil {
			if fes, err = invalid(fes, err); err != nil {
				return nil, err
			}
		}
	}
	for i, d := range s.deps {
		val, err := d.Resolve(r)
		if err != nil {
			if fes, err = invalid(fes, err); err != nil {
				return nil, err
			}
			continue
		}
		f := v.FieldByIndex(b.input.Deps[i].Index)
		rv := reflect.ValueOf(val)
		if !rv.IsValid() {
			f.SetZero()
			continue
		}
		if !rv.Type().AssignableTo(f.Type()) {
			return nil, fmt.Errorf("bind: %s.%s: dependency returned %s, not %s", b.input.Type, b.input.Deps[i].Name, rv.Type(), f.Type())
		}
		f.Set(rv)
	}
	return fes, nil
}

// invalid adds the field errors of a dependency's 422 to fes; any other
// error is returned.
func invalid(fes []stdapi.FieldError, err error) ([]stdapi.FieldError, error) {
	var e *stdapi.Error
	if errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity && len(e.Errors) > 0 {
		return append(fes, e.Errors...), nil
	}
	return fes, err
}

func isNil(d Dependency) bool { return d == nil }

// bind binds in from r, then resolves the dependencies, and merges their
// 422s.
func (b *Binder[In]) bind(st *state, r *http.Request, in *In) error {
	v := reflect.ValueOf(in).Elem()
	err := st.bind(b.input, r, v, b.limits)
	s := b.set.Load()
	if len(b.input.Deps) == 0 && (s == nil || len(s.required) == 0) {
		return err
	}
	own, _ := err.(*stdapi.Error) // what bind returns: no errors.As, whose target escapes
	if err != nil && (own == nil || own.Status != http.StatusUnprocessableEntity) {
		return err // an unreadable body: nothing to merge with
	}
	fes, derr := b.resolveDeps(r, v, s)
	if derr != nil {
		return derr
	}
	if len(fes) == 0 {
		return err
	}
	if own != nil {
		fes = append(fes, own.Errors...)
	}
	return stdapi.ValidationError(fes...)
}
