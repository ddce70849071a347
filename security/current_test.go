package security_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/security"
)

type member struct {
	Name   string
	Scopes []string
}

func (m *member) HasScope(s string) bool {
	for _, have := range m.Scopes {
		if have == s {
			return true
		}
	}
	return false
}

func TestCurrent(t *testing.T) {
	verified := 0
	bearer := &security.Bearer{Verify: func(_ context.Context, tok string) (any, error) {
		verified++
		switch tok {
		case "alice":
			return &member{Name: "alice", Scopes: []string{"items:read"}}, nil
		case "robot":
			return "not a member", nil
		}
		return nil, security.ErrInvalidCredentials
	}}
	read := security.Current[*member](bearer, "items:read")
	write := security.Current[*member](bearer, "items:write")
	anyone := security.Current[*member](bearer)
	serve := func(p *security.Principal[*member], h func(http.Handler) http.Handler, tok string) (int, string) {
		var next http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m, err := p.Get(r)
			if err != nil {
				stdapi.WriteError(w, r, err)
				return
			}
			w.Write([]byte(m.Name))
		})
		if h != nil {
			next = h(next)
		}
		r := httptest.NewRequest("GET", "/", nil)
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		w := httptest.NewRecorder()
		next.ServeHTTP(w, r)
		return w.Code, w.Body.String() + " " + w.Header().Get("WWW-Authenticate")
	}
	tests := []struct {
		name   string
		p      *security.Principal[*member]
		mw     func(http.Handler) http.Handler
		tok    string
		status int
		body   string
	}{
		{"the principal, typed", read, nil, "alice", 200, "alice "},
		{"no credentials", read, nil, "", 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"} Bearer`},
		{"a missing scope", write, nil, "alice", 403, `{"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"} Bearer error="insufficient_scope", scope="items:write"`},
		{"a principal of another type is a 500, not a panic", anyone, nil, "robot", 500, `{"type":"about:blank","title":"Internal Server Error","status":500} `},
		{"behind Require, no second verification", read, security.Require(bearer), "alice", 200, "alice "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := verified
			code, body := serve(tt.p, tt.mw, tt.tok)
			if code != tt.status || body != tt.body {
				t.Errorf("got %d %q, want %d %q", code, body, tt.status, tt.body)
			}
			if tt.tok != "" && verified-before != 1 {
				t.Errorf("the token was verified %d times", verified-before)
			}
		})
	}
	if read.DependencyType() != reflect.TypeFor[*member]() {
		t.Errorf("DependencyType %v", read.DependencyType())
	}
	if name, _, scopes := write.OpenAPISecurity(); name != "HTTPBearer" || strings.Join(scopes, ",") != "items:write" {
		t.Errorf("OpenAPISecurity %s %q", name, scopes)
	}
}

type typedScheme struct{ security.Bearer }

func (typedScheme) PrincipalType() reflect.Type { return reflect.TypeFor[*member]() }

func TestCurrentChecksTheTypeAtStartUp(t *testing.T) {
	defer func() {
		if got, want := recover(), "security: Current[string]: the scheme returns *security_test.member"; got != want {
			t.Errorf("panic %v, want %q", got, want)
		}
	}()
	_ = security.Current[*member](&typedScheme{}) // fine
	security.Current[string](&typedScheme{})
}

func TestCurrentIdentity(t *testing.T) {
	defer func() {
		if got, want := recover(), "security: Current[*security_test.member]: the scheme returns *security.Identity"; got != want {
			t.Errorf("panic %v, want %q", got, want)
		}
	}()
	_ = security.Current[*security.Identity](&security.PositConnect{})
	security.Current[*member](&security.ForwardedUser{})
}
