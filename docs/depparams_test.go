package docs_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

// fakeRequires stands for deps.Requires around dependencies that declare
// parameters.
type fakeRequires struct {
	next   http.Handler
	params []map[string]any
}

func (f fakeRequires) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.next.ServeHTTP(w, r) }
func (f fakeRequires) Unwrap() http.Handler                             { return f.next }
func (f fakeRequires) OpenAPIParameters() []map[string]any              { return f.params }

// The inputs of a route's dependencies answer 422 as the route's own do, so
// the operation documents that 422 even when it has no inputs of its own.
func TestDependencyParametersDocument422(t *testing.T) {
	token := []map[string]any{{"name": "X-Token", "in": "header", "required": true, "schema": map[string]any{"type": "string"}}}
	plain := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	none := bind.Handler(func(context.Context, *struct{}) (item, error) { return item{}, nil })
	tests := []struct {
		name      string
		format    stdapi.Format
		h         http.Handler
		responses string
		content   string
	}{
		{"plain handler", stdapi.FormatProblem, fakeRequires{next: plain, params: token}, "200,422",
			`{"application/problem+json":{"example":{"detail":"1 validation error","errors":[{"loc":["header","X-Token"],"msg":"Field required","type":"missing"}],"status":422,"title":"Unprocessable Entity","type":"about:blank"},"schema":{"$ref":"#/components/schemas/Problem"}}}`},
		{"bind handler without inputs", stdapi.FormatProblem, fakeRequires{next: none, params: token}, "200,422",
			`{"application/problem+json":{"example":{"detail":"1 validation error","errors":[{"loc":["header","X-Token"],"msg":"Field required","type":"missing"}],"status":422,"title":"Unprocessable Entity","type":"about:blank"},"schema":{"$ref":"#/components/schemas/Problem"}}}`},
		{"FastAPI format", stdapi.FormatFastAPI, fakeRequires{next: none, params: token}, "200,422",
			`{"application/json":{"example":{"detail":[{"input":null,"loc":["header","X-Token"],"msg":"Field required","type":"missing"}]},"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}`},
		{"dependencies without parameters", stdapi.FormatProblem, fakeRequires{next: none}, "200", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdapi.SetFormat(tt.format)
			defer stdapi.SetFormat(stdapi.FormatProblem)
			api := docs.New(docs.Info{Title: "t"})
			api.Handle(http.NewServeMux(), "GET /me", tt.h)
			doc := documentOf(t, api)
			responses := at(t, doc, "paths", "/me", "get", "responses").(map[string]any)
			if got := strings.Join(sortedKeys(responses), ","); got != tt.responses {
				t.Fatalf("responses %s, want %s", got, tt.responses)
			}
			if tt.content == "" {
				return
			}
			if got := jsonOf(t, at(t, responses, "422", "content")); got != tt.content {
				t.Errorf("422 content = %s, want %s", got, tt.content)
			}
			if got := jsonOf(t, at(t, doc, "paths", "/me", "get", "parameters")); got != jsonOf(t, token) {
				t.Errorf("parameters = %s", got)
			}
			schemas := at(t, doc, "components", "schemas").(map[string]any)
			if _, ok := schemas["FieldError"]; !ok {
				t.Errorf("FieldError is not in components: %v", sortedKeys(schemas))
			}
		})
	}
}
