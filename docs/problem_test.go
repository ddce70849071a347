package docs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type exampleIn struct {
	Tenant string `header:"X-Tenant"`
	Body   struct {
		Name string `json:"name" validate:"required"`
	}
}

// Every documented error response shows what the server writes for it:
// its status and title, the description as detail, and errors only on a
// 422 (Swagger UI made "status": 100 and errors on a 401 up from the
// schema).
func TestErrorExamples(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	h := bind.Handler(func(ctx context.Context, in *exampleIn) (item, error) { return item{}, nil })
	api.Handle(http.NewServeMux(), "POST /items", fakeSecurity{next: h, name: "bearer", scheme: bearer, scopes: []string{"write"}},
		docs.Response(http.StatusNotFound, nil, "Item not found"))
	doc := documentOf(t, api)
	responses := at(t, doc, "paths", "/items", "post", "responses")
	for status, want := range map[string]string{
		"401": `{"detail":"Not authenticated","status":401,"title":"Unauthorized","type":"about:blank"}`,
		"403": `{"detail":"Not enough permissions","status":403,"title":"Forbidden","type":"about:blank"}`,
		"404": `{"detail":"Item not found","status":404,"title":"Not Found","type":"about:blank"}`,
		"422": `{"detail":"1 validation error","errors":[{"loc":["body","name"],"msg":"Field required","type":"missing"}],"status":422,"title":"Unprocessable Entity","type":"about:blank"}`,
	} {
		if got := jsonOf(t, at(t, responses, status, "content", "application/problem+json", "example")); got != want {
			t.Errorf("%s example =\n%s\nwant\n%s", status, got, want)
		}
	}
}

type formIn struct {
	Body struct {
		Name string `form:"name"`
	}
}

// The 422 example locates a parameter as bind does: a header by its
// lowercased name, a form field in the body. Each example is checked
// against the real handler's answer.
func TestErrorExampleLocs(t *testing.T) {
	type headerIn struct {
		LastID int `header:"Last-Event-ID"`
	}
	type requiredForm struct {
		Body struct {
			Username string `form:"username" validate:"required"`
		}
	}
	header := bind.Handler(func(ctx context.Context, in *headerIn) (item, error) { return item{}, nil })
	form := bind.Handler(func(ctx context.Context, in *requiredForm) (item, error) { return item{}, nil })
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "GET /changes", header)
	api.Handle(mux, "POST /login", form)
	doc := documentOf(t, api)
	for _, tt := range []struct {
		method, path, loc string
		req               *http.Request
	}{
		{"get", "/changes", `["header","last-event-id"]`, httptest.NewRequest("GET", "/changes", nil)},
		{"post", "/login", `["body","username"]`, httptest.NewRequest("POST", "/login", strings.NewReader(""))},
	} {
		ex := at(t, doc, "paths", tt.path, tt.method, "responses", "422", "content", "application/problem+json", "example")
		loc := jsonOf(t, at(t, ex, "errors").([]any)[0].(map[string]any)["loc"])
		if loc != tt.loc {
			t.Errorf("%s %s: example loc %s, want %s", tt.method, tt.path, loc, tt.loc)
		}
		if tt.req.Method == "GET" {
			tt.req.Header.Set("Last-Event-ID", "abc")
		} else {
			tt.req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, tt.req)
		if !strings.Contains(w.Body.String(), `"loc":`+tt.loc) {
			t.Errorf("%s %s: the handler answers %s, not at %s", tt.method, tt.path, w.Body, tt.loc)
		}
	}
}

// The answers bind gives to a body it cannot read are documented on every
// operation with a body: provoked on the real handler, each status is in
// the document (Prism: "Unable to match the returned status code").
func TestBodyErrorsDocumented(t *testing.T) {
	jsonH := bind.Handler(func(ctx context.Context, in *exampleIn) (item, error) { return item{}, nil })
	formH := bind.Handler(func(ctx context.Context, in *formIn) (item, error) { return item{}, nil })
	noBody := bind.Handler(getItem)
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	api.Handle(mux, "POST /json", jsonH)
	api.Handle(mux, "POST /form", formH)
	api.Handle(mux, "GET /items/{id}", noBody)
	doc := documentOf(t, api)
	for _, tt := range []struct {
		path, ct, body string
		status         int
	}{
		{"/json", "text/plain", "x", http.StatusUnsupportedMediaType},
		{"/json", "application/json", `{"name":"` + strings.Repeat("x", bind.DefaultMaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge},
		{"/form", "application/json", "{}", http.StatusUnsupportedMediaType},
		{"/form", "multipart/form-data", "x", http.StatusBadRequest},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body))
		r.Header.Set("Content-Type", tt.ct)
		mux.ServeHTTP(rec, r)
		if rec.Code != tt.status {
			t.Fatalf("%s %s: status %d, want %d", tt.path, tt.ct, rec.Code, tt.status)
		}
		responses := at(t, doc, "paths", tt.path, "post", "responses").(map[string]any)
		if _, ok := responses[strconv.Itoa(rec.Code)]; !ok {
			t.Errorf("%s answers %d, not documented: %v", tt.path, rec.Code, sortedKeys(responses))
		}
	}
	if got := jsonOf(t, at(t, doc, "paths", "/json", "post", "responses", "415", "headers", "Accept-Post", "schema")); got != `{"examples":["application/json"],"type":"string"}` {
		t.Errorf("415 Accept-Post = %s", got)
	}
	get := at(t, doc, "paths", "/items/{id}", "get", "responses").(map[string]any)
	for _, s := range []string{"400", "413", "415"} {
		if _, ok := get[s]; ok {
			t.Errorf("GET without a body documents %s", s)
		}
	}
	if _, ok := at(t, doc, "paths", "/json", "post", "responses").(map[string]any)["400"]; ok {
		t.Error("a JSON body documents 400: bind answers 422 for bad JSON")
	}
}

type wsQuery struct {
	Name string `query:"name" validate:"required"`
}

// A page declares its media type; a WebSocket documents its 101 (and no
// made-up 200) and its query; a declared 422 still shows a field error.
func TestPagesAndWebSockets(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	plain := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	api.Handle(mux, "GET /page", plain, docs.ResponseMedia(http.StatusOK, "text/html", "The page"))
	api.Handle(mux, "GET /ws", plain, docs.Request(wsQuery{}),
		docs.Response(http.StatusSwitchingProtocols, nil, "Switching to WebSocket"),
		docs.Response(http.StatusUnprocessableEntity, nil, "Missing or invalid name"))
	doc := documentOf(t, api)
	if got := jsonOf(t, at(t, doc, "paths", "/page", "get", "responses")); got != `{"200":{"content":{"text/html":{"schema":{"type":"string"}}},"description":"The page"}}` {
		t.Errorf("page responses = %s", got)
	}
	ws := at(t, doc, "paths", "/ws", "get")
	if got := strings.Join(sortedKeys(at(t, ws, "responses").(map[string]any)), ","); got != "101,422" {
		t.Errorf("ws responses %s, want 101,422", got)
	}
	if got := jsonOf(t, at(t, ws, "parameters")); got != `[{"in":"query","name":"name","required":true,"schema":{"type":"string"}}]` {
		t.Errorf("ws parameters = %s", got)
	}
	if got := jsonOf(t, at(t, ws, "responses", "422", "content", "application/problem+json", "example", "errors")); got != `[{"loc":["query","name"],"msg":"Field required","type":"missing"}]` {
		t.Errorf("ws 422 example errors = %s", got)
	}
}
