package deps_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/deps"
)

// The application under test: a handler using a request provider that uses
// an app singleton.
var (
	overrideApp = &deps.App{}
	greeter     = deps.NewSingleton(overrideApp, func(context.Context) (string, error) { return "hello", nil })
	visitor     = deps.NewWithCleanup(func(r *http.Request) (string, func(error), error) {
		g, err := greeter.From(r.Context())
		if err != nil {
			return "", nil, err
		}
		return g + " " + r.URL.Query().Get("name"), nil, nil
	})
	greetHandler = deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := visitor.Get(r)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		fmt.Fprint(w, v)
	}))
)

func TestOverridesInParallel(t *testing.T) {
	tests := []struct {
		name       string
		ovs        []deps.Override
		wantStatus int
		wantBody   string
	}{
		{"real", nil, 200, "hello ada"},
		{"provider value", []deps.Override{visitor.OverrideValue("fake visitor")}, 200, "fake visitor"},
		{"provider function", []deps.Override{visitor.Override(func(r *http.Request) (string, error) {
			return "fake " + r.URL.Query().Get("name"), nil
		})}, 200, "fake ada"},
		{"provider error", []deps.Override{visitor.Override(func(*http.Request) (string, error) {
			return "", stdapi.NewError(401, "Not authenticated")
		})}, 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"singleton value", []deps.Override{greeter.OverrideValue("bonjour")}, 200, "bonjour ada"},
		{"singleton function", []deps.Override{greeter.Override(func(context.Context) (string, error) {
			return "", errors.New("greeter down")
		})}, 500, `{"type":"about:blank","title":"Internal Server Error","status":500}`},
		{"later override wins", []deps.Override{greeter.OverrideValue("hallo"), greeter.OverrideValue("hola")}, 200, "hola ada"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := func(t *testing.T, code int, body string) {
				t.Helper()
				if code != tt.wantStatus || body != tt.wantBody {
					t.Errorf("got %d %s, want %d %s", code, body, tt.wantStatus, tt.wantBody)
				}
			}
			// With a request context.
			for range 20 {
				r := httptest.NewRequest("GET", "/?name=ada", nil)
				r = r.WithContext(deps.WithOverrides(r.Context(), tt.ovs...))
				w := do(greetHandler, r)
				check(t, w.Code, w.Body.String())
			}
			// With a real server, through OverrideHandler and through BaseContext.
			srv := httptest.NewServer(deps.OverrideHandler(greetHandler, tt.ovs...))
			defer srv.Close()
			base := httptest.NewUnstartedServer(greetHandler)
			base.Config.BaseContext = func(net.Listener) context.Context {
				return deps.WithOverrides(context.Background(), tt.ovs...)
			}
			base.Start()
			defer base.Close()
			for _, s := range []*httptest.Server{srv, base} {
				resp, err := s.Client().Get(s.URL + "/?name=ada")
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				check(t, resp.StatusCode, string(body))
			}
		})
	}
}

func TestWithOverridesKeepsEarlierOnes(t *testing.T) {
	ctx := deps.WithOverrides(context.Background(), greeter.OverrideValue("hi"))
	ctx = deps.WithOverrides(ctx, visitor.Override(func(r *http.Request) (string, error) {
		g, _ := greeter.From(r.Context())
		return g + " there", nil
	}))
	r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	if w := do(greetHandler, r); w.Body.String() != "hi there" {
		t.Errorf("body = %q, want %q", w.Body, "hi there")
	}
	if u, ok := deps.OverrideHandler(greetHandler).(interface{ Unwrap() http.Handler }); !ok || u.Unwrap() != greetHandler {
		t.Error("OverrideHandler does not unwrap to its handler")
	}
}
