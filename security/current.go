package security

import (
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"

	"github.com/stdapi/stdapi"
)

// Principal is a typed dependency on the authenticated caller: FastAPI's
// Security(get_current_user, scopes=[...]) in one value. Make one with
// Current. A bind handler's field of type T tagged dep receives it:
//
//	me := security.Current[*Claims](oauth2, "items:read")
//	type ListItems struct {
//		User *Claims `dep:""`
//	}
//	api.Handle(mux, "GET /items", bind.Handler(list, bind.Deps(me)))
//
// Documentation generators see its scheme and scopes (OpenAPISecurity). A
// Principal is safe for concurrent use.
type Principal[T any] struct {
	scheme Scheme
	scopes []string
	boxed  any
}

// PrincipalTyper is implemented by schemes that know the type of the
// principals they return, so that Current can check it at start-up.
type PrincipalTyper interface {
	PrincipalType() reflect.Type
}

// Current returns the dependency on the principal of s as a T, with the
// scopes it must hold. A request without valid credentials, or without the
// scopes, is answered as Require answers it (401, 403). When Require put a
// principal of type T in the request's context, Current checks its scopes
// without authenticating again.
//
// Current panics on a nil scheme, and when s is a PrincipalTyper whose type
// is not assignable to T: a mismatch is found when the program starts. With
// other schemes, a principal that is not a T is a 500 whose cause (both
// types) is logged; it never panics.
func Current[T any](s Scheme, scopes ...string) *Principal[T] {
	mustScheme(s)
	if pt, ok := s.(PrincipalTyper); ok {
		if want := reflect.TypeFor[T](); !pt.PrincipalType().AssignableTo(want) {
			panic(fmt.Sprintf("security: Current[%s]: the scheme returns %s", want, pt.PrincipalType()))
		}
	}
	scopes = slices.Clip(slices.Clone(scopes))
	return &Principal[T]{scheme: s, scopes: scopes, boxed: boxScopes(scopes)}
}

// Get returns the principal of r, or an error for stdapi.WriteError.
func (p *Principal[T]) Get(r *http.Request) (T, error) {
	var zero T
	r, required := withRequiredScopes(r, p.scopes, p.boxed)
	if v, ok := r.Context().Value(userKey).(T); ok {
		if len(p.scopes) == 0 || hasScopes(v, p.scopes) {
			return v, nil
		}
	}
	v, err := authorize(r, p.scheme, p.scopes, required)
	if err != nil {
		return zero, err
	}
	t, ok := v.(T)
	if !ok {
		slog.ErrorContext(r.Context(), "security: the scheme's principal is not the type Current asks for",
			"want", reflect.TypeFor[T]().String(), "got", fmt.Sprintf("%T", v))
		return zero, stdapi.NewError(http.StatusInternalServerError, "")
	}
	return t, nil
}

// DependencyType returns T: with Resolve, it makes a Principal a
// bind.Dependency.
func (p *Principal[T]) DependencyType() reflect.Type { return reflect.TypeFor[T]() }

// Resolve is Get with the principal boxed, for bind.
func (p *Principal[T]) Resolve(r *http.Request) (any, error) { return p.Get(r) }

// OpenAPISecurity describes the scheme with the scopes this dependency
// requires.
func (p *Principal[T]) OpenAPISecurity() (string, map[string]any, []string) {
	name, scheme, _ := p.scheme.OpenAPISecurity()
	return name, scheme, slices.Clone(p.scopes)
}

// PrincipalType returns *Identity, the type of PositConnect's principals.
func (p *PositConnect) PrincipalType() reflect.Type { return reflect.TypeFor[*Identity]() }

// PrincipalType returns *Identity, the type of ForwardedUser's principals.
func (f *ForwardedUser) PrincipalType() reflect.Type { return reflect.TypeFor[*Identity]() }
