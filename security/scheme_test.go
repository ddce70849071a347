package security

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"

	"github.com/stdapi/stdapi"
)

// want is the exact response a test expects. Headers listed with "" must
// be absent.
type want struct {
	status int
	header map[string]string
	body   string
}

func check(t *testing.T, rec *httptest.ResponseRecorder, w want) {
	t.Helper()
	if rec.Code != w.status {
		t.Errorf("status = %d, want %d (body %s)", rec.Code, w.status, rec.Body)
	}
	for k, v := range w.header {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
		if v == "" && len(rec.Header().Values(k)) > 0 {
			t.Errorf("header %s present, want absent", k)
		}
	}
	if got := rec.Body.String(); got != w.body {
		t.Errorf("body = %s\nwant   %s", got, w.body)
	}
}

// problem is the problem+json body WriteError writes for status and detail.
func problem(status int, detail string) string {
	return `{"type":"about:blank","title":"` + http.StatusText(status) + `","status":` +
		strconv.Itoa(status) + `,"detail":"` + detail + `"}`
}

const internal = `{"type":"about:blank","title":"Internal Server Error","status":500}`

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// hello answers "hello <principal>" or "hello stranger".
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if p, ok := User[any](r.Context()); ok {
		fmt.Fprintf(w, "hello %v", p)
		return
	}
	fmt.Fprint(w, "hello stranger")
})

// fakeScheme authenticates by the X-User header; its users have the scopes
// listed in X-Scopes.
type fakeScheme struct{}

type fakeUser struct {
	name   string
	scopes []string
}

func (u *fakeUser) Scopes() []string { return u.scopes }
func (u *fakeUser) String() string   { return u.name }

func (fakeScheme) Authenticate(r *http.Request) (any, error) {
	switch name := r.Header.Get("X-User"); name {
	case "":
		return nil, notAuthenticated("Fake")
	case "bad":
		return nil, unauthorized(detailInvalid, "Fake", ErrInvalidCredentials)
	case "db-down":
		return nil, errors.New("connection refused to 10.0.0.3")
	case "nil":
		return nil, nil
	case "plain":
		return name, nil
	default:
		return &fakeUser{name: name, scopes: r.Header.Values("X-Scopes")}, nil
	}
}

func (fakeScheme) OpenAPISecurity() (string, map[string]any, []string) {
	return "Fake", map[string]any{"type": "http", "scheme": "fake"}, nil
}

func TestRequire(t *testing.T) {
	tests := []struct {
		name     string
		user     string
		scopes   []string
		require  []string
		optional bool
		want     want
	}{
		{"ok", "alice", nil, nil, false, want{200, nil, "hello alice"}},
		{"ok with scopes", "alice", []string{"a", "b", "c"}, []string{"c", "a"}, false, want{200, nil, "hello alice"}},
		{"missing", "", nil, nil, false, want{401, map[string]string{"WWW-Authenticate": "Fake"}, problem(401, "Not authenticated")}},
		{"invalid", "bad", nil, nil, false, want{401, map[string]string{"WWW-Authenticate": "Fake"}, problem(401, "Invalid authentication credentials")}},
		{"scope lacking", "alice", []string{"a"}, []string{"a", "b"}, false, want{403, map[string]string{"WWW-Authenticate": ""}, problem(403, "Not enough permissions")}},
		{"principal without scopes", "plain", nil, []string{"a"}, false, want{403, nil, problem(403, "Not enough permissions")}},
		{"principal without scopes, none needed", "plain", nil, nil, false, want{200, nil, "hello plain"}},
		{"server failure hidden", "db-down", nil, nil, false, want{500, nil, internal}},
		{"nil principal", "nil", nil, nil, false, want{500, nil, internal}},
		{"optional anonymous", "", nil, nil, true, want{200, nil, "hello stranger"}},
		{"optional user", "alice", nil, nil, true, want{200, nil, "hello alice"}},
		{"optional invalid", "bad", nil, nil, true, want{401, map[string]string{"WWW-Authenticate": "Fake"}, problem(401, "Invalid authentication credentials")}},
		{"optional scope lacking", "alice", nil, []string{"x"}, true, want{403, nil, problem(403, "Not enough permissions")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mw := Require
			if tt.optional {
				mw = Optional
			}
			h := mw(fakeScheme{}, tt.require...)(hello)
			r := httptest.NewRequest("GET", "/", nil)
			if tt.user != "" {
				r.Header.Set("X-User", tt.user)
			}
			for _, s := range tt.scopes {
				r.Header.Add("X-Scopes", s)
			}
			check(t, serve(h, r), tt.want)
		})
	}
}

func TestRequireFastAPIFormat(t *testing.T) {
	stdapi.SetFormat(stdapi.FormatFastAPI)
	defer stdapi.SetFormat(stdapi.FormatProblem)
	h := Require(&Bearer{Verify: func(context.Context, string) (any, error) { return nil, ErrInvalidCredentials }})(hello)
	check(t, serve(h, httptest.NewRequest("GET", "/", nil)), want{401,
		map[string]string{"WWW-Authenticate": "Bearer", "Content-Type": "application/json"},
		`{"detail":"Not authenticated"}`})
}

func TestRequireDescribesRoute(t *testing.T) {
	scopes := []string{"items:read", "items:write"}
	h := Require(fakeScheme{}, scopes...)(hello)
	scopes[0] = "changed"
	d, ok := h.(interface {
		OpenAPISecurity() (string, map[string]any, []string)
		Unwrap() http.Handler
	})
	if !ok {
		t.Fatalf("%T lacks OpenAPISecurity or Unwrap", h)
	}
	name, scheme, got := d.OpenAPISecurity()
	if name != "Fake" || !reflect.DeepEqual(scheme, map[string]any{"type": "http", "scheme": "fake"}) ||
		!reflect.DeepEqual(got, []string{"items:read", "items:write"}) {
		t.Errorf("OpenAPISecurity() = %q, %v, %v", name, scheme, got)
	}
	if reflect.ValueOf(d.Unwrap()).Pointer() != reflect.ValueOf(hello).Pointer() {
		t.Error("Unwrap does not return the protected handler")
	}
	if _, _, s := Optional(fakeScheme{})(hello).(interface {
		OpenAPISecurity() (string, map[string]any, []string)
	}).OpenAPISecurity(); len(s) != 0 {
		t.Errorf("Optional without scopes reports %v", s)
	}
}

func TestRequireNilScheme(t *testing.T) {
	for _, mw := range []func(Scheme, ...string) func(http.Handler) http.Handler{Require, Optional} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("nil Scheme accepted")
				}
			}()
			mw(nil)
		}()
	}
}

func TestAuthorize(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-User", "alice")
	r.Header.Set("X-Scopes", "me")
	p, err := Authorize(r, fakeScheme{}, "me")
	if err != nil || p.(*fakeUser).name != "alice" {
		t.Fatalf("Authorize = %v, %v", p, err)
	}
	_, err = Authorize(r, fakeScheme{}, "admin")
	var e *stdapi.Error
	if !errors.As(err, &e) || e.Status != 403 {
		t.Fatalf("Authorize without scope = %v", err)
	}
	r.Header.Del("X-User")
	if _, err := Authorize(r, fakeScheme{}); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("Authorize anonymous = %v, want ErrNoCredentials", err)
	}
}

func TestUser(t *testing.T) {
	ctx := WithUser(context.Background(), &fakeUser{name: "bob"})
	if u, ok := User[*fakeUser](ctx); !ok || u.name != "bob" {
		t.Errorf("User = %v, %v", u, ok)
	}
	if _, ok := User[string](ctx); ok {
		t.Error("User[string] found a *fakeUser")
	}
	if _, ok := User[*fakeUser](context.Background()); ok {
		t.Error("User found a principal in an empty context")
	}
	if MustUser[*fakeUser](ctx).name != "bob" {
		t.Error("MustUser lost the principal")
	}
	defer func() {
		v := recover()
		if v != "security: no principal of type *security.fakeUser in context; is the handler behind security.Require?" {
			t.Errorf("MustUser panic = %v", v)
		}
	}()
	MustUser[*fakeUser](context.Background())
}

func TestRequireRecordsError(t *testing.T) {
	var got error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stdapi.ServeScoped(w, r, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Require(fakeScheme{})(hello).ServeHTTP(w, r)
			got = stdapi.RequestError(r.Context())
		}))
	})
	check(t, serve(h, httptest.NewRequest("GET", "/", nil)), want{401, nil, problem(401, "Not authenticated")})
	if !errors.Is(got, ErrNoCredentials) {
		t.Errorf("request error = %v, want ErrNoCredentials", got)
	}
}
