package docs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/security"
)

type groupUser struct{ Name string }

type groupSession struct{ closed bool }

type teapotError struct{ who string }

func (e *teapotError) Error() string { return e.who + " is a teapot" }

type listIn struct {
	DB    *groupSession `dep:""`
	User  *groupUser    `dep:""`
	Limit int           `query:"limit" default:"10" validate:"min=1,max=100"`
}

type createIn struct {
	DB   *groupSession `dep:""`
	User *groupUser    `dep:""`
	Body struct {
		Name string `json:"name" validate:"required"`
	}
}

// groupApp is a small app in the shape of FastAPI's bigger-applications
// tutorial: an /items router with a prefix, a tag, a shared X-Token header
// dependency and a per-request session; the current user comes from a
// bearer scheme.
func groupApp(t *testing.T) (http.Handler, *docs.API, *[]string) {
	t.Helper()
	var log []string
	bearer := &security.Bearer{Verify: func(_ context.Context, tok string) (any, error) {
		if tok != "alice" {
			return nil, security.ErrInvalidCredentials
		}
		return &groupUser{Name: "alice"}, nil
	}}
	token := deps.Bind(func(_ context.Context, in *struct {
		XToken string `header:"X-Token" validate:"required,min=3" doc:"The shared secret"`
	}) (struct{}, error) {
		if in.XToken != "secret" {
			return struct{}{}, stdapi.NewError(http.StatusBadRequest, "X-Token header invalid")
		}
		return struct{}{}, nil
	})
	db := deps.NewWithCleanup(func(*http.Request) (*groupSession, func(error), error) {
		s := &groupSession{}
		return s, func(error) { s.closed = true }, nil
	})
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "groups", Version: "1"})
	app := api.Group(mux, "", docs.Deps(db, security.Current[*groupUser](bearer)))
	items := app.Group("/items", docs.Tags("items"), docs.Requires(token),
		docs.Response(http.StatusNotFound, nil, "Item not found"))
	items.Handle("GET /", bind.Handler(func(_ context.Context, in *listIn) ([]string, error) {
		log = append(log, "list by "+in.User.Name)
		return []string{"plumbus"}, nil
	}))
	items.Handle("POST /", bind.Handler(func(_ context.Context, in *createIn) (string, error) {
		return in.Body.Name, nil
	}, bind.Status(http.StatusCreated)))
	items.Handle("GET /{id}", bind.Handler(func(_ context.Context, in *struct {
		ID string `path:"id"`
	}) (string, error) {
		if in.ID == "teapot" {
			return "", &teapotError{who: in.ID}
		}
		return in.ID, nil
	}), docs.Use(stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *teapotError) {
		_ = bind.JSON(w, http.StatusTeapot, map[string]string{"message": "Oops! " + e.who + " did something."})
	})))
	return mux, api, &log
}

func serve(h http.Handler, method, target, body string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestGroupServes(t *testing.T) {
	h, _, log := groupApp(t)
	auth := []string{"Authorization", "Bearer alice", "X-Token", "secret"}
	tests := []struct {
		name, method, target, body string
		header                     []string
		status                     int
		want                       string
	}{
		{"list under the prefix", "GET", "/items", "", auth, 200, `["plumbus"]`},
		{"the trailing-slash twin", "GET", "/items/", "", auth, 200, `["plumbus"]`},
		{"a path below is not the list", "GET", "/items/a/b", "", auth, 404, ""},
		{"one item", "GET", "/items/7", "", auth, 200, `"7"`},
		{"the group's dependency checks the header", "GET", "/items", "", []string{"Authorization", "Bearer alice", "X-Token", "nope"}, 400,
			`{"type":"about:blank","title":"Bad Request","status":400,"detail":"X-Token header invalid"}`},
		{"no token, no user: 401 before anything else", "POST", "/items", `{}`, []string{"X-Token", "secret"}, 401,
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"the type's error handler", "GET", "/items/teapot", "", auth, 418, `{"message":"Oops! teapot did something."}`},
		{"created", "POST", "/items", `{"name":"x"}`, auth, 201, `"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.method, tt.target, tt.body, tt.header...)
			if w.Code != tt.status || tt.want != "" && strings.TrimSpace(w.Body.String()) != tt.want {
				t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.target, w.Code, w.Body, tt.status, tt.want)
			}
		})
	}
	if len(*log) != 2 || (*log)[0] != "list by alice" {
		t.Errorf("handler saw %q", *log)
	}
}

type agent string

// A group's required dependency fails in the same 422 as the handler's
// body, first, as FastAPI's router dependencies do.
func TestGroupRequiresJoinsTheHandlers(t *testing.T) {
	h, _, _ := groupApp(t)
	w := serve(h, "POST", "/items", `{"nom":"x"}`, "Authorization", "Bearer alice", "X-Token", "ab")
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors",` +
		`"errors":[{"type":"string_too_short","loc":["header","x-token"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}},` +
		`{"type":"missing","loc":["body","name"],"msg":"Field required"}]}`
	if w.Code != 422 || w.Body.String() != want {
		t.Errorf("got %d %s\nwant %s", w.Code, w.Body, want)
	}
}

func TestRequiresNeedsABindHandler(t *testing.T) {
	defer func() {
		if got, want := recoverString(recover()), "docs: GET /x: docs.Requires: the handler is not a bind handler; wrap it with deps.Requires (docs.Use)"; got != want {
			t.Errorf("panic %q, want %q", got, want)
		}
	}()
	token := deps.New(func(*http.Request) (bool, error) { return true, nil })
	docs.New(docs.Info{Title: "t"}).Handle(http.NewServeMux(), "GET /x", http.NotFoundHandler(), docs.Requires(token))
}

// A dependency field's own inputs fail in the same 422 as the handler's
// body, dependency errors first, as in FastAPI.
func TestDependencyErrorsJoinTheHandlers(t *testing.T) {
	ua := deps.Bind(func(_ context.Context, in *struct {
		UA string `header:"User-Agent" validate:"required,min=3"`
	}) (agent, error) {
		return agent(in.UA), nil
	})
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(mux, "POST /x", bind.Handler(func(_ context.Context, in *struct {
		Agent agent `dep:""`
		Body  struct {
			Name string `json:"name" validate:"required"`
		}
	}) (string, error) {
		return string(in.Agent) + " " + in.Body.Name, nil
	}), docs.Deps(ua))
	w := serve(mux, "POST", "/x", `{"nom":"x"}`, "User-Agent", "ab")
	want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors",` +
		`"errors":[{"type":"string_too_short","loc":["header","user-agent"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}},` +
		`{"type":"missing","loc":["body","name"],"msg":"Field required"}]}`
	if w.Code != 422 || w.Body.String() != want {
		t.Errorf("got %d %s\nwant %s", w.Code, w.Body, want)
	}
	if w := serve(mux, "POST", "/x", `{"name":"x"}`, "User-Agent", "curl"); w.Code != 200 || w.Body.String() != `"curl x"` {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
	params := jsonOf(t, at(t, documentOf(t, api), "paths", "/x", "post", "parameters"))
	if want := `[{"in":"header","name":"User-Agent","required":true,"schema":{"minLength":3,"type":"string"}}]`; params != want {
		t.Errorf("parameters %s\nwant %s", params, want)
	}
}

func TestGroupDocuments(t *testing.T) {
	_, api, _ := groupApp(t)
	doc := documentOf(t, api)
	paths := at(t, doc, "paths").(map[string]any)
	if got := strings.Join(sortedKeys(paths), ","); got != "/items,/items/{id}" {
		t.Fatalf("paths %s", got)
	}
	list := at(t, doc, "paths", "/items", "get").(map[string]any)
	if got := jsonOf(t, list["tags"]); got != `["items"]` {
		t.Errorf("tags %s", got)
	}
	if got := jsonOf(t, list["security"]); got != `[{"HTTPBearer":[]}]` {
		t.Errorf("security %s", got)
	}
	if got := jsonOf(t, list["parameters"]); got != `[{"in":"query","name":"limit","schema":{"default":10,"format":"int64","maximum":100,"minimum":1,"type":"integer"}},`+
		`{"description":"The shared secret","in":"header","name":"X-Token","required":true,"schema":{"minLength":3,"type":"string"}}]` {
		t.Errorf("parameters %s", got)
	}
	if got := strings.Join(sortedKeys(list["responses"].(map[string]any)), ","); got != "200,401,404,422" {
		t.Errorf("responses %s", got)
	}
}

func TestGroupMistakesPanic(t *testing.T) {
	api := docs.New(docs.Info{Title: "t"})
	mux := http.NewServeMux()
	g := api.Group(mux, "/files")
	plain := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"a subtree pattern", func() { g.Handle("GET /static/", plain) },
			`docs: group "/files": pattern "GET /static/" ends with /, which matches every path below it: write "/static/{rest...}" or "/static/{$}"`},
		{"a prefix ending in /", func() { api.Group(mux, "/v1/") }, `docs: group prefix "/v1/" must start with / and not end with one`},
		{"a dep field nothing provides", func() {
			g.Handle("GET /{name}", bind.Handler(func(context.Context, *struct {
				Name string        `path:"name"`
				DB   *groupSession `dep:""`
			}) (string, error) {
				return "", nil
			}))
		}, `docs: GET /files/{name}: bind: struct { Name string "path:\"name\""; DB *docs_test.groupSession "dep:\"\"" }: no dependency provides DB *docs_test.groupSession`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got := recoverString(recover()); got != tt.want {
					t.Errorf("panic %q\nwant  %q", got, tt.want)
				}
			}()
			tt.fn()
		})
	}
}

func recoverString(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return ""
}

// A cleanup of a per-request dependency runs after the response, with no
// middleware: the bind handler opens the request scope itself.
func TestGroupCleanupWithoutMiddleware(t *testing.T) {
	var got *groupSession
	done := make(chan struct{})
	db := deps.NewWithCleanup(func(*http.Request) (*groupSession, func(error), error) {
		s := &groupSession{}
		got = s
		return s, func(error) { s.closed = true; close(done) }, nil
	})
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(mux, "GET /x", bind.Handler(func(_ context.Context, in *struct {
		DB *groupSession `dep:""`
	}) (bool, error) {
		return in.DB.closed, nil
	}), docs.Deps(db))
	if w := serve(mux, "GET", "/x", ""); w.Code != 200 || w.Body.String() != "false" {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	<-done
	if !got.closed {
		t.Error("the session was not closed")
	}
}
