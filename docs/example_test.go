package docs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/docs"
)

type GetGreeting struct {
	Lang string `path:"lang" validate:"oneof=en fr"`
}

type Greeting struct {
	Message string `json:"message"`
}

func Example() {
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "Greetings", Version: "1.0.0"})
	api.Handle(mux, "GET /greetings/{lang}", bind.Handler(func(ctx context.Context, in *GetGreeting) (Greeting, error) {
		return Greeting{Message: map[string]string{"en": "Hello", "fr": "Bonjour"}[in.Lang]}, nil
	}), docs.Summary("Get one greeting"))
	api.Mount(mux)

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary    string `json:"summary"`
			Parameters []struct {
				Name   string         `json:"name"`
				In     string         `json:"in"`
				Schema map[string]any `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	json.Unmarshal(rec.Body.Bytes(), &doc)
	op := doc.Paths["/greetings/{lang}"]["get"]
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), doc.OpenAPI)
	fmt.Println(op.Summary, op.Parameters[0].In, op.Parameters[0].Name, op.Parameters[0].Schema["enum"])
	// Output:
	// 200 application/json 3.1.0
	// Get one greeting path lang [en fr]
}

// A plain handler documents its input and output with options.
func ExampleRequest() {
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "Greetings"})
	api.HandleFunc(mux, "GET /hello/{lang}", func(w http.ResponseWriter, r *http.Request) {
		var in GetGreeting
		if err := bind.Request(r, &in); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		bind.JSON(w, http.StatusOK, Greeting{Message: "Hello"})
	}, docs.Request(GetGreeting{}), docs.ResponseType(Greeting{}))
	data, _ := api.Document()
	var doc map[string]any
	json.Unmarshal(data, &doc)
	responses := doc["paths"].(map[string]any)["/hello/{lang}"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)
	for _, code := range []string{"200", "422"} {
		fmt.Println(code, responses[code].(map[string]any)["description"])
	}
	// Output:
	// 200 Successful Response
	// 422 Validation Error
}

// Mount serves Swagger UI with relative URLs, so that it works behind a
// proxy that mounts the site under a prefix.
func ExampleAPI_Mount() {
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "Greetings"})
	api.Mount(mux, docs.ReDocPath(""), docs.RedirectRoot())

	for _, path := range []string{"/", "/docs", "/redoc"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(strings.TrimSpace(fmt.Sprint(path, " ", rec.Code, " ", rec.Header().Get("Location"))))
	}
	// Output:
	// / 302 docs
	// /docs 200
	// /redoc 404
}

// WriteFile writes the document for go generate or a CI check.
func ExampleAPI_WriteFile() {
	api := docs.New(docs.Info{Title: "Greetings", Version: "1.0.0"})
	api.Handle(http.NewServeMux(), "GET /ping", http.NotFoundHandler(), docs.Response(http.StatusNoContent, nil, "Pong"))
	path := filepath.Join(os.TempDir(), "stdapi-docs-example.json")
	defer os.Remove(path)
	if err := api.WriteFile(path); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	fmt.Println(len(data) > 0, data[len(data)-1] == '\n')
	// Output:
	// true true
}

// A group with a prefix, a tag and a dependency for the handlers' dep
// fields: FastAPI's APIRouter.
func ExampleAPI_Group() {
	type Store struct{ items []string }
	store := &Store{items: []string{"hammer", "nail"}}
	db := fixedDep[*Store]{store}

	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "Shop", Version: "1.0.0"})
	items := api.Group(mux, "/items", docs.Tags("items"), docs.Deps(db))
	items.Handle("GET /", bind.Handler(func(_ context.Context, in *struct {
		DB    *Store `dep:""`
		Limit int    `query:"limit" default:"10" validate:"min=1"`
	}) ([]string, error) {
		return in.DB.items[:min(in.Limit, len(in.DB.items))], nil
	}), docs.Summary("List items"))

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/items?limit=1", nil))
	fmt.Println(w.Code, w.Body)
	doc, _ := api.Document()
	var d struct {
		Paths map[string]map[string]struct {
			Tags []string `json:"tags"`
		} `json:"paths"`
	}
	_ = json.Unmarshal(doc, &d)
	fmt.Println(d.Paths["/items"]["get"].Tags)
	// Output:
	// 200 ["hammer"]
	// [items]
}

// fixedDep is a bind.Dependency with one value (deps.Provider is the usual
// one).
type fixedDep[T any] struct{ v T }

func (f fixedDep[T]) DependencyType() reflect.Type       { return reflect.TypeFor[T]() }
func (f fixedDep[T]) Resolve(*http.Request) (any, error) { return f.v, nil }
