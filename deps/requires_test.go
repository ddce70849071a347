package deps_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

func TestRequires(t *testing.T) {
	defer leakcheck.Check(t)()
	var keyCalls, handlerCalls atomic.Int64
	apiKey := deps.New(func(r *http.Request) (string, error) {
		keyCalls.Add(1)
		if k := r.Header.Get("X-API-Key"); k != "secret" {
			return "", &stdapi.Error{Status: 401, Detail: "Invalid API key",
				Header: http.Header{"WWW-Authenticate": {"APIKey"}}}
		}
		return "client-1", nil
	}, deps.Security("apiKey", map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}))
	app := &deps.App{}
	ready := deps.NewSingleton(app, func(context.Context) (bool, error) { return true, nil })

	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlerCalls.Add(1)
		client, err := apiKey.Get(r) // cached by Requires
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		fmt.Fprint(w, "hello "+client)
	})
	h := deps.Scope(deps.Requires(apiKey, ready)(next))

	tests := []struct {
		key          string
		wantStatus   int
		wantBody     string
		wantAuth     string
		wantHandlers int64
	}{
		{"secret", 200, "hello client-1", "", 1},
		{"wrong", 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid API key"}`, "APIKey", 0},
		{"", 401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid API key"}`, "APIKey", 0},
	}
	for _, tt := range tests {
		t.Run("key="+tt.key, func(t *testing.T) {
			keyCalls.Store(0)
			handlerCalls.Store(0)
			r := httptest.NewRequest("GET", "/", nil)
			if tt.key != "" {
				r.Header.Set("X-API-Key", tt.key)
			}
			w := do(h, r)
			if w.Code != tt.wantStatus || w.Body.String() != tt.wantBody || w.Header().Get("WWW-Authenticate") != tt.wantAuth {
				t.Errorf("got %d %s %v", w.Code, w.Body, w.Header())
			}
			if keyCalls.Load() != 1 || handlerCalls.Load() != tt.wantHandlers {
				t.Errorf("key resolved %d times, handler called %d times", keyCalls.Load(), handlerCalls.Load())
			}
		})
	}

	t.Run("singleton failure", func(t *testing.T) {
		down := deps.NewSingleton(app, func(context.Context) (int, error) { return 0, errSecret })
		var called bool
		h := deps.Requires(down)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
		w := do(h, httptest.NewRequest("GET", "/", nil))
		if called || w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") {
			t.Errorf("called %v, got %d %s", called, w.Code, w.Body)
		}
	})
	t.Run("without Scope, Requires opens one", func(t *testing.T) {
		h := deps.Requires(apiKey)(next)
		w := do(h, httptest.NewRequest("GET", "/", nil))
		if w.Code != 401 || handlerCalls.Load() != 0 {
			t.Errorf("got %d", w.Code)
		}
	})
}

// documented is what docs looks for on handlers and providers.
type documented interface {
	OpenAPIParameters() []map[string]any
	OpenAPISecurity() (name string, scheme map[string]any, scopes []string)
}

func TestDocsHooks(t *testing.T) {
	oauth := map[string]any{"type": "oauth2", "flows": map[string]any{}}
	token := deps.New(func(*http.Request) (string, error) { return "", nil },
		deps.Parameter("header", "Authorization", "", false),
		deps.Security("oauth2", oauth, "me"))
	items := deps.New(func(*http.Request) (string, error) { return "", nil },
		deps.Uses(token),
		deps.Security("oauth2", oauth, "items:read"),
		deps.Parameter("query", "limit", "Page size", false),
		deps.Parameter("header", "Authorization", "duplicate", true))
	tenant := deps.New(func(*http.Request) (string, error) { return "", nil },
		deps.Parameter("path", "tenant", "Tenant id", false),
		deps.ParameterObject(map[string]any{"name": "X-Tenant", "in": "header", "deprecated": true}),
		deps.Uses(items))
	plain := deps.New(func(*http.Request) (string, error) { return "", nil })
	required := deps.Requires(plain, tenant, token)(http.NotFoundHandler())

	tests := []struct {
		name       string
		d          documented
		wantParams string
		wantSec    string
	}{
		{"plain", plain, `null`, `"" null []`},
		{"token", token,
			`[{"in":"header","name":"Authorization","required":false,"schema":{"type":"string"}}]`,
			`"oauth2" {"flows":{},"type":"oauth2"} ["me"]`},
		{"items: own declarations first, then Uses; scopes merged", items,
			`[{"description":"Page size","in":"query","name":"limit","required":false,"schema":{"type":"string"}},` +
				`{"description":"duplicate","in":"header","name":"Authorization","required":true,"schema":{"type":"string"}}]`,
			`"oauth2" {"flows":{},"type":"oauth2"} ["items:read","me"]`},
		{"tenant: path required, object kept, security inherited", tenant,
			`[{"description":"Tenant id","in":"path","name":"tenant","required":true,"schema":{"type":"string"}},` +
				`{"deprecated":true,"in":"header","name":"X-Tenant"},` +
				`{"description":"Page size","in":"query","name":"limit","required":false,"schema":{"type":"string"}},` +
				`{"description":"duplicate","in":"header","name":"Authorization","required":true,"schema":{"type":"string"}}]`,
			`"oauth2" {"flows":{},"type":"oauth2"} ["items:read","me"]`},
		{"Requires handler", required.(documented),
			`[{"description":"Tenant id","in":"path","name":"tenant","required":true,"schema":{"type":"string"}},` +
				`{"deprecated":true,"in":"header","name":"X-Tenant"},` +
				`{"description":"Page size","in":"query","name":"limit","required":false,"schema":{"type":"string"}},` +
				`{"description":"duplicate","in":"header","name":"Authorization","required":true,"schema":{"type":"string"}}]`,
			`"oauth2" {"flows":{},"type":"oauth2"} ["items:read","me"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := tt.d.OpenAPIParameters()
			if got := mustJSON(t, params); got != tt.wantParams {
				t.Errorf("OpenAPIParameters() = %s\nwant %s", got, tt.wantParams)
			}
			name, scheme, scopes := tt.d.OpenAPISecurity()
			got := mustJSON(t, name) + " " + mustJSON(t, scheme) + " " + mustJSON(t, append([]string{}, scopes...))
			if got != tt.wantSec {
				t.Errorf("OpenAPISecurity() = %s, want %s", got, tt.wantSec)
			}
			// Callers may change what they get without changing the declarations.
			for _, p := range params {
				p["name"] = "changed"
				if s, ok := p["schema"].(map[string]any); ok {
					s["type"] = "changed"
				}
			}
			if scheme != nil {
				scheme["type"] = "changed"
			}
			if again := mustJSON(t, tt.d.OpenAPIParameters()); again != tt.wantParams {
				t.Errorf("declarations changed through a returned map: %s", again)
			}
		})
	}
	if u, ok := required.(interface{ Unwrap() http.Handler }); !ok || u.Unwrap() == nil {
		t.Error("Requires handler does not unwrap")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBadDeclarationsPanic(t *testing.T) {
	tests := map[string]func(){
		"unknown location":              func() { deps.Parameter("body", "x", "", false) },
		"object without name":           func() { deps.ParameterObject(map[string]any{"in": "query"}) },
		"object without in":             func() { deps.ParameterObject(map[string]any{"name": "q"}) },
		"object with a non-string name": func() { deps.ParameterObject(map[string]any{"name": 1, "in": "query"}) },
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if v := recover(); v == nil || !strings.HasPrefix(fmt.Sprint(v), "deps: ") {
					t.Errorf("recovered %v, want a deps panic", v)
				}
			}()
			fn()
		})
	}
}
