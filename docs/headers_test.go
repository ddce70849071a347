package docs_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type scheme struct {
	next   http.Handler
	name   string
	obj    map[string]any
	scopes []string
}

func (s scheme) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.next.ServeHTTP(w, r) }
func (s scheme) Unwrap() http.Handler                             { return s.next }
func (s scheme) OpenAPISecurity() (string, map[string]any, []string) {
	return s.name, s.obj, s.scopes
}

// shared describes itself with one map, which the document must not modify.
type shared struct{ http.Handler }

var sharedOp = map[string]any{"responses": map[string]any{"200": map[string]any{"description": "A token"}}}

func (shared) OpenAPIOperation() map[string]any { return sharedOp }

// Headers a handler sets (Location, Retry-After) are documented by
// ResponseHeader; WWW-Authenticate on 401 and on a bearer 403 from the
// schemes, as package security sends them.
func TestResponseHeaders(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	create := bind.Handler(func(context.Context, *struct{}) (bind.Response[item], error) {
		return bind.Response[item]{Header: http.Header{"Location": {"/items/1"}}}, nil
	}, bind.Status(http.StatusCreated))
	oauth2 := map[string]any{"type": "oauth2", "flows": map[string]any{"password": map[string]any{"tokenUrl": "token", "scopes": map[string]any{"w": "write"}}}}
	basic := map[string]any{"type": "http", "scheme": "basic"}
	api.Handle(mux, "POST /items", scheme{next: scheme{next: create, name: "Basic", obj: basic}, name: "OAuth2", obj: oauth2, scopes: []string{"w"}},
		docs.ResponseHeader(http.StatusCreated, "Location", "", "The URL of the new item"),
		docs.ResponseHeader(http.StatusTooManyRequests, "Retry-After", 0, ""))
	api.Handle(mux, "POST /token", shared{http.NotFoundHandler()}, docs.ResponseHeader(http.StatusOK, "Cache-Control", nil, "no-store"))
	doc := documentOf(t, api)
	responses := at(t, doc, "paths", "/items", "post", "responses")
	for _, tt := range []struct{ status, want string }{
		{"201", `{"Location":{"description":"The URL of the new item","schema":{"type":"string"}}}`},
		{"401", `{"WWW-Authenticate":{"description":"The challenge of the scheme to authenticate with: Bearer, Basic realm=\"...\"","schema":{"type":"string"}}}`},
		{"403", `{"WWW-Authenticate":{"description":"The missing scopes: Bearer error=\"insufficient_scope\", scope=\"...\" (RFC 6750)","schema":{"type":"string"}}}`},
		{"429", `{"Retry-After":{"schema":{"format":"int64","type":"integer"}}}`},
	} {
		if got := jsonOf(t, at(t, responses, tt.status, "headers")); got != tt.want {
			t.Errorf("%s headers =\n%s\nwant\n%s", tt.status, got, tt.want)
		}
	}
	if got := jsonOf(t, at(t, responses, "429", "description")); got != `"Too Many Requests"` {
		t.Errorf("429 description = %s", got)
	}
	if got := jsonOf(t, at(t, doc, "paths", "/token", "post", "responses", "200")); got != `{"description":"A token","headers":{"Cache-Control":{"description":"no-store","schema":{"type":"string"}}}}` {
		t.Errorf("token 200 = %s", got)
	}
	if got := jsonOf(t, sharedOp["responses"].(map[string]any)["200"]); got != `{"description":"A token"}` {
		t.Errorf("the describer's map was modified: %s", got)
	}
}
