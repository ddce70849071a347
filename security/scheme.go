package security

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/stdapi/stdapi"
)

// Scheme authenticates requests and describes itself to OpenAPI. Basic,
// Bearer, OAuth2Password, OpenIDConnect, APIKey, PositConnect and
// ForwardedUser implement it; so can an application's own scheme.
//
// Authenticate returns the principal of r, or an error: a *stdapi.Error
// (401 with the scheme's WWW-Authenticate challenge, or 400 for a malformed
// request) whose cause is ErrNoCredentials when r carries no credentials for
// the scheme at all, or any other error for a server failure (500).
//
// OpenAPISecurity returns the scheme's name in components.securitySchemes,
// its OpenAPI 3.1 Security Scheme Object, and the scopes it requires (none
// for a bare scheme).
type Scheme interface {
	Authenticate(r *http.Request) (any, error)
	OpenAPISecurity() (name string, scheme map[string]any, scopes []string)
}

// Scoped is implemented by principals that were granted scopes (OAuth2
// scopes, or groups for proxy identities). Require compares the scopes a
// route needs with Scopes; a principal that does not implement Scoped has
// none.
type Scoped interface {
	Scopes() []string
}

var (
	// ErrNoCredentials is the cause of the 401 a scheme returns when the
	// request carries no credentials for it (no header, an empty value, or
	// another Authorization scheme). Optional lets such requests through.
	ErrNoCredentials = errors.New("security: no credentials")

	// ErrInvalidCredentials is what a verify function returns to reject
	// credentials; the scheme answers 401 "Invalid authentication
	// credentials" with its challenge. Any other error from a verify
	// function that is not a *stdapi.Error is a server failure: a 500 whose
	// text is logged, never sent.
	ErrInvalidCredentials = errors.New("security: invalid credentials")
)

// Detail texts, the same as FastAPI's.
const (
	detailNotAuthenticated = "Not authenticated"
	detailInvalid          = "Invalid authentication credentials"
	detailForbidden        = "Not enough permissions"
)

// Require returns middleware that authenticates each request with s and
// checks that the principal holds every one of scopes. On success the
// principal is stored in the request's context (read it with User) and
// next is called; otherwise the error is written with stdapi.WriteError:
// 401 with the scheme's WWW-Authenticate challenge when credentials are
// missing or invalid, 403 "Not enough permissions" when scopes are lacking
// (bearer schemes add WWW-Authenticate: Bearer error="insufficient_scope",
// scope="..." as RFC 6750 §3.1 asks).
//
// The scopes are in the request's context before s authenticates (see
// RequiredScopes), and bearer challenges name them.
//
// The handler returned also answers Unwrap() http.Handler and
// OpenAPISecurity(), which reports the scopes of this route, so that docs
// can document the operation's security.
func Require(s Scheme, scopes ...string) func(http.Handler) http.Handler {
	mustScheme(s)
	scopes = slices.Clip(slices.Clone(scopes))
	return func(next http.Handler) http.Handler {
		return &guard{scheme: s, scopes: scopes, boxed: boxScopes(scopes), next: next}
	}
}

// Optional is Require for routes open to anonymous callers, like FastAPI's
// auto_error=False: a request without credentials for s (ErrNoCredentials)
// reaches next with no principal in its context. Invalid credentials and
// missing scopes are still rejected.
func Optional(s Scheme, scopes ...string) func(http.Handler) http.Handler {
	mustScheme(s)
	scopes = slices.Clip(slices.Clone(scopes))
	return func(next http.Handler) http.Handler {
		return &guard{scheme: s, scopes: scopes, boxed: boxScopes(scopes), next: next, optional: true}
	}
}

// boxScopes returns scopes as an interface value, or nil for none.
func boxScopes(scopes []string) any {
	if len(scopes) == 0 {
		return nil
	}
	return scopes
}

// mustScheme panics on a nil scheme, a wiring mistake better found at
// start-up than on the first request.
func mustScheme(s Scheme) {
	if s == nil {
		panic("security: Require or Optional with a nil Scheme")
	}
}

type guard struct {
	scheme   Scheme
	scopes   []string
	boxed    any // scopes as a context value
	next     http.Handler
	optional bool
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r, required := withRequiredScopes(r, g.scopes, g.boxed)
	p, err := authorize(r, g.scheme, g.scopes, required)
	if err != nil {
		if g.optional && errors.Is(err, ErrNoCredentials) {
			g.next.ServeHTTP(w, r)
			return
		}
		stdapi.WriteError(w, r, err)
		return
	}
	g.next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, p)))
}

// Unwrap returns the protected handler.
func (g *guard) Unwrap() http.Handler { return g.next }

// OpenAPISecurity describes the scheme with the scopes this route requires.
func (g *guard) OpenAPISecurity() (string, map[string]any, []string) {
	name, scheme, _ := g.scheme.OpenAPISecurity()
	return name, scheme, slices.Clone(g.scopes)
}

// Authorize authenticates r with s and checks that the principal holds every
// one of scopes: the plain-call form of Require for use inside an existing
// handler. As Require does, it makes the scopes visible to s's Verify
// function (see RequiredScopes). It returns the principal or an error for
// stdapi.WriteError.
func Authorize(r *http.Request, s Scheme, scopes ...string) (any, error) {
	r, required := withRequiredScopes(r, slices.Clip(slices.Clone(scopes)), nil)
	return authorize(r, s, scopes, required)
}

// authorize authenticates r, whose context holds the required scopes, and
// checks that the principal holds those of need. The challenges of bearer
// schemes name the required scopes.
func authorize(r *http.Request, s Scheme, need, required []string) (any, error) {
	c, bearer := s.(scopeChallenger)
	p, err := s.Authenticate(r)
	if err != nil {
		if bearer {
			err = challengeScopes(err, required)
		}
		return nil, err
	}
	if p == nil {
		return nil, &stdapi.Error{Status: http.StatusInternalServerError,
			Err: errors.New("security: scheme returned a nil principal and no error")}
	}
	if len(need) > 0 && !hasScopes(p, need) {
		if bearer {
			return nil, c.insufficientScope(required)
		}
		return nil, stdapi.NewError(http.StatusForbidden, detailForbidden)
	}
	return p, nil
}

// scopeChallenger is implemented by the bearer schemes, whose 403 carries
// an RFC 6750 insufficient_scope challenge.
type scopeChallenger interface {
	insufficientScope(scopes []string) *stdapi.Error
}

// scopeChecker is the allocation-free alternative to Scoped (see
// Claims.HasScope).
type scopeChecker interface {
	HasScope(scope string) bool
}

func hasScopes(p any, need []string) bool {
	if c, ok := p.(scopeChecker); ok {
		for _, n := range need {
			if !c.HasScope(n) {
				return false
			}
		}
		return true
	}
	s, ok := p.(Scoped)
	if !ok {
		return false
	}
	granted := s.Scopes()
	for _, n := range need {
		if !slices.Contains(granted, n) {
			return false
		}
	}
	return true
}

type contextKey struct{ name string }

var userKey = &contextKey{"user"}

// User returns the principal that Require or Optional stored in ctx, if
// there is one and it has type T.
func User[T any](ctx context.Context) (T, bool) {
	v, ok := ctx.Value(userKey).(T)
	return v, ok
}

// MustUser returns the principal of type T stored in ctx by Require. It
// panics when there is none, which is a wiring mistake (the handler is not
// behind Require, or T is not the type the scheme returns).
func MustUser[T any](ctx context.Context) T {
	v, ok := User[T](ctx)
	if !ok {
		var zero T
		panic("security: no principal of type " + typeName(zero) + " in context; is the handler behind security.Require?")
	}
	return v
}

// WithUser returns a copy of ctx holding principal p, for tests of handlers
// that read User.
func WithUser(ctx context.Context, p any) context.Context {
	return context.WithValue(ctx, userKey, p)
}
