package docs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

// recordingMux records what Handle registers.
type recordingMux struct{ patterns []string }

func (m *recordingMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
}

type itemIn struct {
	ID int `path:"id"`
}

type item struct {
	Name string `json:"name"`
}

func getItem(ctx context.Context, in *itemIn) (item, error) { return item{Name: "x"}, nil }

// fakeSecurity stands for a security.Require handler.
type fakeSecurity struct {
	next   http.Handler
	name   string
	scheme map[string]any
	scopes []string
}

func (f fakeSecurity) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.next.ServeHTTP(w, r) }
func (f fakeSecurity) Unwrap() http.Handler                             { return f.next }
func (f fakeSecurity) OpenAPISecurity() (string, map[string]any, []string) {
	return f.name, f.scheme, f.scopes
}

var bearer = map[string]any{"type": "http", "scheme": "bearer"}

func TestHandlePanics(t *testing.T) {
	type badTag struct {
		N int `json:"n" validate:"min=abc"`
	}
	tests := []struct {
		name    string
		setup   func(api *docs.API, mux docs.Router)
		pattern string
		h       http.Handler
		opts    []docs.Option
		want    string
	}{
		{name: "no method", pattern: "/items/{id}", h: bind.Handler(getItem), want: `pattern "/items/{id}" has no method`},
		{name: "no path", pattern: "GET items", h: http.NotFoundHandler(), want: "has no path"},
		{name: "wildcard without field", pattern: "GET /items/{id}/{rev}", h: bind.Handler(getItem), want: `wildcard {rev} has no field with tag path:"rev"`},
		{name: "field without wildcard", pattern: "GET /items/{item_id}", h: bind.Handler(getItem), want: `field docs_test.itemIn.ID reads path:"id" but the pattern has no {id} wildcard`},
		{
			name:  "registered twice",
			setup: func(api *docs.API, mux docs.Router) { api.Handle(mux, "GET /items/{id}", bind.Handler(getItem)) },
			// Another host, one OpenAPI path.
			pattern: "GET example.com/items/{id}", h: bind.Handler(getItem), want: "operation GET /items/{id} is already registered",
		},
		{
			name: "duplicate ID",
			setup: func(api *docs.API, mux docs.Router) {
				api.Handle(mux, "GET /a", http.NotFoundHandler(), docs.OperationID("op"))
			},
			pattern: "GET /b", h: http.NotFoundHandler(), opts: []docs.Option{docs.OperationID("op")}, want: `operation ID "op" is already used`,
		},
		{
			name: "scheme conflict",
			setup: func(api *docs.API, mux docs.Router) {
				api.Handle(mux, "GET /a", fakeSecurity{next: http.NotFoundHandler(), name: "auth", scheme: bearer})
			},
			pattern: "GET /b", h: fakeSecurity{next: http.NotFoundHandler(), name: "auth", scheme: map[string]any{"type": "apiKey", "in": "header", "name": "X-Key"}},
			want: `security scheme "auth" is declared twice`,
		},
		{name: "bad request type", pattern: "GET /a", h: http.NotFoundHandler(), opts: []docs.Option{docs.Request(42)}, want: "Request: bind: input must be a struct type"},
		{name: "bad response type", pattern: "GET /a", h: http.NotFoundHandler(), opts: []docs.Option{docs.ResponseType(badTag{})}, want: `tag "min=abc"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := docs.New(docs.Info{Title: "t"})
			mux := &recordingMux{}
			if tt.setup != nil {
				tt.setup(api, mux)
			}
			before := len(mux.patterns)
			defer func() {
				v := recover()
				msg, _ := v.(string)
				if err, ok := v.(error); ok {
					msg = err.Error()
				}
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want it to contain %q", msg, tt.want)
				}
				if len(mux.patterns) != before {
					t.Errorf("mux got %v after a failed Handle", mux.patterns[before:])
				}
			}()
			api.Handle(mux, tt.pattern, tt.h, tt.opts...)
		})
	}
}

func TestHiddenWithoutMethod(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := &recordingMux{}
	api.Handle(mux, "/static/", http.NotFoundHandler(), docs.Hidden())
	if !reflect.DeepEqual(mux.patterns, []string{"/static/"}) {
		t.Errorf("registered %v", mux.patterns)
	}
	doc := documentOf(t, api)
	if paths := doc["paths"].(map[string]any); len(paths) != 0 {
		t.Errorf("paths = %v, want none", paths)
	}
}

// documentOf decodes api's document.
func documentOf(t *testing.T, api *docs.API) map[string]any {
	t.Helper()
	data, err := api.Document()
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks a decoded document along keys.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: not an object: %v", k, v)
		}
		v, ok = m[k]
		if !ok {
			t.Fatalf("missing %q in %v", k, keysOf(m))
		}
	}
	return v
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOperationFromHandlerAndOptions(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"}, docs.Tag("items", "About items"))
	mux := http.NewServeMux()
	h := fakeSecurity{next: bind.Handler(getItem, bind.Status(http.StatusAccepted)), name: "bearer", scheme: bearer, scopes: []string{"read"}}
	api.Handle(mux, "GET /items/{id}", h,
		docs.Summary("Read"), docs.Description("Reads an item."), docs.Tags("items", "extra"),
		docs.Deprecated(), docs.Response(http.StatusNotFound, nil, ""), docs.ResponseExample(http.StatusAccepted, "one", item{Name: "x"}))
	api.HandleFunc(mux, "POST /plain/{name}", func(w http.ResponseWriter, r *http.Request) {},
		docs.Security("key", map[string]any{"type": "apiKey", "in": "header", "name": "X-Key"}),
		docs.Response(http.StatusCreated, item{}, "Created"))
	doc := documentOf(t, api)

	op := at(t, doc, "paths", "/items/{id}", "get")
	for k, want := range map[string]string{
		"operationId": `"get_items_id"`,
		"summary":     `"Read"`,
		"description": `"Reads an item."`,
		"tags":        `["items","extra"]`,
		"deprecated":  `true`,
		"security":    `[{"bearer":["read"]}]`,
		"parameters":  `[{"in":"path","name":"id","required":true,"schema":{"format":"int64","type":"integer"}}]`,
	} {
		if got := jsonOf(t, at(t, op, k)); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	responses := at(t, op, "responses").(map[string]any)
	if got := strings.Join(sortedKeys(responses), ","); got != "202,401,403,404,422" {
		t.Errorf("responses %s, want 202,401,403,404,422", got)
	}
	if got := jsonOf(t, at(t, responses, "202", "content", "application/json")); got != `{"examples":{"one":{"value":{"name":"x"}}},"schema":{"$ref":"#/components/schemas/item"}}` {
		t.Errorf("202 content = %s", got)
	}
	if got := jsonOf(t, at(t, responses, "404")); got != `{"content":{"application/problem+json":{"example":{"status":404,"title":"Not Found","type":"about:blank"},"schema":{"$ref":"#/components/schemas/Problem"}}},"description":"Not Found"}` {
		t.Errorf("404 = %s", got)
	}

	plain := at(t, doc, "paths", "/plain/{name}", "post")
	if got := jsonOf(t, at(t, plain, "parameters")); got != `[{"in":"path","name":"name","required":true,"schema":{"type":"string"}}]` {
		t.Errorf("plain parameters = %s", got)
	}
	if got := strings.Join(sortedKeys(at(t, plain, "responses").(map[string]any)), ","); got != "201,401" {
		t.Errorf("plain responses %s, want 201,401 (no default 200 when a 2xx is declared)", got)
	}
	if got := jsonOf(t, at(t, doc, "components", "securitySchemes")); got != `{"bearer":{"scheme":"bearer","type":"http"},"key":{"in":"header","name":"X-Key","type":"apiKey"}}` {
		t.Errorf("securitySchemes = %s", got)
	}
	if got := jsonOf(t, at(t, doc, "tags")); got != `[{"description":"About items","name":"items"},{"name":"extra"}]` {
		t.Errorf("tags = %s", got)
	}
}

func sortedKeys(m map[string]any) []string {
	ks := keysOf(m)
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func TestDefaultOperationIDs(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /{$}", http.NotFoundHandler())
	api.Handle(mux, "GET /a-b", http.NotFoundHandler())
	api.Handle(mux, "GET /a_b", http.NotFoundHandler())
	api.Handle(mux, "GET /files/{path...}", http.NotFoundHandler())
	doc := documentOf(t, api)
	for path, want := range map[string]string{"/": "get_root", "/a-b": "get_a_b", "/a_b": "get_a_b_2", "/files/{path}": "get_files_path"} {
		if got := at(t, doc, "paths", path, "get", "operationId"); got != want {
			t.Errorf("%s: operationId %v, want %s", path, got, want)
		}
	}
}

type ioBoth struct {
	Name string `json:"name" validate:"required"`
	Note string `json:"note,omitempty"`
}

type ioSame struct {
	A string `json:"a" validate:"required"`
}

type ioWrap struct {
	Inner ioBoth `json:"inner" validate:"required"`
}

func TestInputOutputSplit(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "POST /both", bind.Handler(func(ctx context.Context, in *struct{ Body ioWrap }) (ioWrap, error) { return in.Body, nil }))
	api.Handle(mux, "POST /same", bind.Handler(func(ctx context.Context, in *struct{ Body ioSame }) (ioSame, error) { return in.Body, nil }))
	doc := documentOf(t, api)
	schemas := at(t, doc, "components", "schemas").(map[string]any)
	delete(schemas, "Problem")
	delete(schemas, "FieldError")
	if got := strings.Join(sortedKeys(schemas), ","); got != "ioBoth,ioSame,ioWrap" {
		// ioBoth's output requires only name too: no split is needed.
		t.Errorf("components %s", got)
	}
	if got := jsonOf(t, at(t, doc, "paths", "/both", "post", "responses", "200", "content", "application/json", "schema")); got != `{"$ref":"#/components/schemas/ioWrap"}` {
		t.Errorf("output schema %s", got)
	}
}

type splitItem struct {
	Name string   `json:"name" validate:"required"`
	Tags []string `json:"tags"`
}

type splitPage struct {
	Items []splitItem `json:"items,omitempty"`
}

func TestSplitOnlyWhereDifferent(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "POST /items", bind.Handler(func(ctx context.Context, in *struct{ Body splitPage }) (splitPage, error) { return in.Body, nil }))
	doc := documentOf(t, api)
	schemas := at(t, doc, "components", "schemas").(map[string]any)
	for name, want := range map[string]string{
		// Inputs: tags may be absent, never null; name is required.
		"splitItem": `{"properties":{"name":{"type":"string"},"tags":{"items":{"type":"string"},"type":"array"}},"required":["name"],"type":"object"}`,
		// Outputs: both always written, a nil slice as null.
		"splitItem-Output": `{"properties":{"name":{"type":"string"},"tags":{"items":{"type":"string"},"type":["array","null"]}},"required":["name","tags"],"type":"object"}`,
		"splitPage":        `{"properties":{"items":{"items":{"$ref":"#/components/schemas/splitItem"},"type":"array"}},"type":"object"}`,
		"splitPage-Output": `{"properties":{"items":{"items":{"$ref":"#/components/schemas/splitItem-Output"},"type":"array"}},"type":"object"}`,
	} {
		if got := jsonOf(t, schemas[name]); got != want {
			t.Errorf("%s =\n%s\nwant\n%s", name, got, want)
		}
	}
}

func TestFastAPIFormat(t *testing.T) {
	stdapi.SetFormat(stdapi.FormatFastAPI)
	defer stdapi.SetFormat(stdapi.FormatProblem)
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(http.NewServeMux(), "GET /items/{id}", bind.Handler(getItem), docs.Response(http.StatusNotFound, nil, ""))
	doc := documentOf(t, api)
	if got := jsonOf(t, at(t, doc, "paths", "/items/{id}", "get", "responses", "422", "content")); got != `{"application/json":{"example":{"detail":[{"input":"abc","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","type":"int_parsing"}]},"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}` {
		t.Errorf("422 content = %s", got)
	}
	if got := jsonOf(t, at(t, doc, "components", "schemas", "HTTPError")); got != `{"properties":{"detail":{"type":"string"}},"required":["detail"],"type":"object"}` {
		t.Errorf("HTTPError = %s", got)
	}
	// The body WriteError writes matches the documented shape.
	rec := httptest.NewRecorder()
	stdapi.WriteError(rec, httptest.NewRequest("GET", "/", nil), stdapi.NewError(404, "Item not found"))
	if rec.Body.String() != `{"detail":"Item not found"}` {
		t.Errorf("WriteError body %s", rec.Body)
	}
}

func TestProblemSchemaMatchesWriteError(t *testing.T) {
	h := bind.Handler(getItem)
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/items/x", nil)
	r.SetPathValue("id", "x")
	h.ServeHTTP(rec, r)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(http.NewServeMux(), "GET /items/{id}", h)
	doc := documentOf(t, api)
	problem := at(t, doc, "components", "schemas", "Problem").(map[string]any)
	props := problem["properties"].(map[string]any)
	for k := range body {
		if _, ok := props[k]; !ok {
			t.Errorf("WriteError writes %q, which the problem schema does not document", k)
		}
	}
	item := body["errors"].([]any)[0].(map[string]any)
	fe := at(t, doc, "components", "schemas", "FieldError", "properties").(map[string]any)
	for k := range item {
		if _, ok := fe[k]; !ok {
			t.Errorf("field error member %q not documented", k)
		}
	}
	if rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

// A describer that names no scheme (deps.Requires around a dependency
// without security) adds no security and no 401/403 to the operation.
func TestDescriberWithoutScheme(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /items/{id}", fakeSecurity{next: bind.Handler(getItem)})
	doc := documentOf(t, api)
	op := at(t, doc, "paths", "/items/{id}", "get").(map[string]any)
	if _, ok := op["security"]; ok {
		t.Errorf("security = %s, want none", jsonOf(t, op["security"]))
	}
	responses := op["responses"].(map[string]any)
	if got := strings.Join(sortedKeys(responses), ","); got != "200,422" {
		t.Errorf("responses %s, want 200,422", got)
	}
	if schemes := at(t, doc, "components").(map[string]any)["securitySchemes"]; schemes != nil {
		t.Errorf("securitySchemes = %s, want none", jsonOf(t, schemes))
	}
}

// selfDescribed stands for security.TokenEndpoint: a plain handler that
// describes its own form body and answers.
type selfDescribed struct{ http.Handler }

func (selfDescribed) OpenAPIOperation() map[string]any {
	return map[string]any{
		"summary": "Log in",
		"requestBody": map[string]any{"required": true, "content": map[string]any{
			"application/x-www-form-urlencoded": map[string]any{"schema": map[string]any{"type": "object"}},
		}},
		"responses": map[string]any{
			"200": map[string]any{"description": "A token"},
			"400": map[string]any{"description": "An RFC 6749 error"},
		},
		"operationId": "ignored",
	}
}

func TestOperationDescriber(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "POST /token", selfDescribed{http.NotFoundHandler()},
		docs.Response(http.StatusUnauthorized, nil, "Bad client"))
	api.Handle(mux, "POST /login", selfDescribed{http.NotFoundHandler()}, docs.Summary("Sign in"))
	doc := documentOf(t, api)
	op := at(t, doc, "paths", "/token", "post").(map[string]any)
	for k, want := range map[string]string{
		"operationId": `"post_token"`,
		"summary":     `"Log in"`,
		"requestBody": `{"content":{"application/x-www-form-urlencoded":{"schema":{"type":"object"}}},"required":true}`,
	} {
		if got := jsonOf(t, op[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	responses := op["responses"].(map[string]any)
	if got := strings.Join(sortedKeys(responses), ","); got != "200,400,401" {
		t.Errorf("responses %s, want 200,400,401", got)
	}
	if got := jsonOf(t, responses["200"]); got != `{"description":"A token"}` {
		t.Errorf("200 = %s, want the handler's own", got)
	}
	if got := jsonOf(t, at(t, doc, "paths", "/login", "post", "summary")); got != `"Sign in"` {
		t.Errorf("an option's summary = %s, want it to win", got)
	}
}
