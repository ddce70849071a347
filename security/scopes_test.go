package security

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
)

// scopedUser is a principal granted the scopes after "Bearer ".
type scopedUser []string

func (u scopedUser) Scopes() []string { return u }

// tokenScopes verifies tokens "good.a.b" (granted a and b) and records the
// scopes its context requires.
func tokenScopes(seen *[]string, reject error) func(ctx context.Context, tok string) (any, error) {
	return func(ctx context.Context, tok string) (any, error) {
		*seen = RequiredScopes(ctx)
		granted, ok := strings.CutPrefix(tok, "good.")
		if !ok {
			return nil, reject
		}
		return scopedUser(strings.Split(granted, ".")), nil
	}
}

func TestRequiredScopes(t *testing.T) {
	var seen, handler []string
	o := &OAuth2Password{Verify: tokenScopes(&seen, ErrInvalidCredentials)}
	h := Require(o, "me", "items")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler = RequiredScopes(r.Context())
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer good.me.items")
	check(t, serve(h, r), want{200, nil, ""})
	if !slices.Equal(seen, []string{"me", "items"}) || !slices.Equal(handler, seen) {
		t.Errorf("Verify saw %q, the handler %q; want [me items] for both", seen, handler)
	}

	t.Run("nested guards add up, outermost first", func(t *testing.T) {
		seen = nil
		h := Require(o, "me")(Require(o, "items", "me")(hello))
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer good.me")
		check(t, serve(h, r), want{403, map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope", scope="me items"`},
			problem(403, "Not enough permissions")})
		if !slices.Equal(seen, []string{"me", "items"}) {
			t.Errorf("inner Verify saw %q, want [me items]", seen)
		}
	})
	t.Run("none required", func(t *testing.T) {
		seen = []string{"stale"}
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer good.me")
		check(t, serve(Require(o)(hello), r), want{200, nil, "hello [me]"})
		if seen != nil {
			t.Errorf("Verify saw %q, want nil", seen)
		}
	})
	t.Run("Authorize", func(t *testing.T) {
		seen = nil
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer good.me")
		if _, err := Authorize(r, o, "me"); err != nil || !slices.Equal(seen, []string{"me"}) {
			t.Errorf("Authorize: %v; Verify saw %q, want [me]", err, seen)
		}
		if got := RequiredScopes(r.Context()); got != nil {
			t.Errorf("Authorize changed the caller's request: %q", got)
		}
	})
}

func TestScopeChallenges(t *testing.T) {
	var seen []string
	// fastAPIStyle is the FastAPI tutorial's own challenge, built by the
	// verifier from the scopes it sees.
	fastAPIStyle := func(ctx context.Context, tok string) (any, error) {
		return nil, &stdapi.Error{Status: 401, Detail: "Could not validate credentials",
			Header: http.Header{"Www-Authenticate": {`Bearer scope="` + strings.Join(RequiredScopes(ctx), " ") + `"`}}}
	}
	shared := InvalidToken("The access token expired")
	tests := []struct {
		name   string
		scheme Scheme
		scopes []string
		token  string
		want   want
	}{
		{"no token stays bare", &OAuth2Password{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, []string{"me", "items"}, "",
			want{401, map[string]string{"WWW-Authenticate": "Bearer"}, problem(401, "Not authenticated")}},
		{"invalid token", &OAuth2Password{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, []string{"me", "items"}, "bad",
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", scope="me items"`},
				problem(401, "Invalid authentication credentials")}},
		{"invalid token with a description", &Bearer{Verify: tokenScopes(&seen, shared)}, []string{"me"}, "bad",
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token expired", scope="me"`},
				problem(401, "Invalid authentication credentials")}},
		{"malformed token", &OpenIDConnect{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, []string{"me"}, "a b",
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", error_description="The access token is malformed", scope="me"`},
				problem(401, "Invalid authentication credentials")}},
		{"insufficient scope", &OAuth2Password{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, []string{"me", "items"}, "good.me",
			want{403, map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope", scope="me items"`},
				problem(403, "Not enough permissions")}},
		{"the verifier's own scope is kept", &OAuth2Password{Verify: fastAPIStyle}, []string{"me", "items"}, "any",
			want{401, map[string]string{"WWW-Authenticate": `Bearer scope="me items"`}, problem(401, "Could not validate credentials")}},
		{"no scopes, no attribute", &OAuth2Password{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, nil, "bad",
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}, problem(401, "Invalid authentication credentials")}},
		{"scopes with quotes are quoted", &Bearer{Verify: tokenScopes(&seen, ErrInvalidCredentials)}, []string{`a"b`}, "bad",
			want{401, map[string]string{"WWW-Authenticate": `Bearer error="invalid_token", scope="a\"b"`}, problem(401, "Invalid authentication credentials")}},
		{"Basic challenges have no scope", &Basic{Realm: "api"}, []string{"me"}, "",
			want{401, map[string]string{"WWW-Authenticate": `Basic realm="api"`}, problem(401, "Not authenticated")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.token != "" {
				r.Header.Set("Authorization", "Bearer "+tt.token)
			}
			check(t, serve(Require(tt.scheme, tt.scopes...)(hello), r), tt.want)
		})
	}
	if got := shared.Header.Get("Www-Authenticate"); got != `Bearer error="invalid_token", error_description="The access token expired"` {
		t.Errorf("the verifier's error was modified: %q", got)
	}
}
