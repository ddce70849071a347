package deps_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
)

// ConnectUser is the user Posit Connect describes in the
// RStudio-Connect-Credentials header.
type ConnectUser struct {
	User   string   `json:"user"`
	Groups []string `json:"groups"`
}

// CurrentUser reads the header once per request; nil means anonymous.
var CurrentUser = deps.New(func(r *http.Request) (*ConnectUser, error) {
	h := r.Header.Get("RStudio-Connect-Credentials")
	if h == "" {
		return nil, nil
	}
	var u ConnectUser
	if err := json.Unmarshal([]byte(h), &u); err != nil {
		return nil, stdapi.NewError(http.StatusBadRequest, "Malformed credentials header")
	}
	return &u, nil
}, deps.Name("CurrentUser"),
	deps.Parameter("header", "RStudio-Connect-Credentials", "The visitor, as JSON, set by Posit Connect", false))

// The user meta-data program of the Posit Connect documentation: a
// dependency that reads the visitor from a header, used by a plain handler.
func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		u, err := CurrentUser.Get(r)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		if u == nil {
			fmt.Fprintln(w, "Howdy stranger!")
			return
		}
		fmt.Fprintf(w, "So nice to see you, %s!\n", u.User)
	})
	h := deps.Scope(mux)

	for _, cred := range []string{"", `{"user":"ada","groups":["staff"]}`, "{"} {
		r := httptest.NewRequest("GET", "/hello", nil)
		if cred != "" {
			r.Header.Set("RStudio-Connect-Credentials", cred)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}
	fmt.Println()
	// Output:
	// 200 Howdy stranger!
	// 200 So nice to see you, ada!
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"Malformed credentials header"}
}

// Tx stands for a database transaction.
type Tx struct{ log chan string }

// A dependency with a cleanup, FastAPI's yield: the cleanup runs after the
// response and sees whether the request failed.
func ExampleNewWithCleanup() {
	log := make(chan string, 1)
	db := deps.NewWithCleanup(func(r *http.Request) (*Tx, func(error), error) {
		tx := &Tx{log: log}
		return tx, func(err error) {
			if err != nil {
				tx.log <- "rollback after: " + err.Error()
				return
			}
			tx.log <- "commit"
		}, nil
	})
	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := db.Get(r); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		if r.URL.Query().Has("fail") {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusConflict, "Item exists"))
			return
		}
		fmt.Fprint(w, "created")
	}))
	for _, target := range []string{"/items", "/items?fail"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", target, nil))
		fmt.Println(w.Code)
		fmt.Println(<-log) // the cleanup runs after the response
	}
	// Output:
	// 200
	// commit
	// 409
	// rollback after: 409 Conflict: Item exists
}

// Route-level dependencies, FastAPI's dependencies=[Depends(verify_key)]:
// resolved before the handler for their effect, their error answered instead.
func ExampleRequires() {
	verifyKey := deps.New(func(r *http.Request) (struct{}, error) {
		if r.Header.Get("X-API-Key") != "s3cret" {
			return struct{}{}, stdapi.NewError(http.StatusUnauthorized, "Invalid API key")
		}
		return struct{}{}, nil
	}, deps.Security("APIKeyHeader", map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"}))

	h := deps.Scope(deps.Requires(verifyKey)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "secret data")
	})))
	for _, key := range []string{"wrong", "s3cret"} {
		r := httptest.NewRequest("GET", "/data", nil)
		r.Header.Set("X-API-Key", key)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Invalid API key"}
	// 200 secret data
}

// Replacing a dependency with a fake in a test: the override travels with
// the request, so parallel tests do not see each other's fakes.
func ExampleWithOverrides() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		u, err := CurrentUser.From(r.Context())
		if err != nil || u == nil {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusUnauthorized, "Not authenticated"))
			return
		}
		fmt.Fprint(w, u.User)
	})
	app := deps.Scope(mux)

	// In a test (t.Parallel() is fine):
	fake := CurrentUser.OverrideValue(&ConnectUser{User: "test-user"})
	r := httptest.NewRequest("GET", "/me", nil)
	r = r.WithContext(deps.WithOverrides(r.Context(), fake))
	w := httptest.NewRecorder()
	app.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())

	// Or for a whole test server:
	//	srv := httptest.NewServer(deps.OverrideHandler(app, fake))

	// Requests without the override get the real dependency.
	w = httptest.NewRecorder()
	app.ServeHTTP(w, httptest.NewRequest("GET", "/me", nil))
	fmt.Println(w.Code)
	// Output:
	// 200 test-user
	// 401
}

// Pool stands for a connection pool.
type Pool struct{ name string }

// An application-lifetime dependency: made on first use, shared by all
// requests, closed at shutdown.
func ExampleNewSingleton() {
	app := &deps.App{}
	pool := deps.NewSingletonWithCleanup(app, func(ctx context.Context) (*Pool, func(context.Context) error, error) {
		fmt.Println("connecting")
		p := &Pool{name: "main"}
		return p, func(context.Context) error {
			fmt.Println("closing", p.name)
			return nil
		}, nil
	})
	for range 3 {
		p, err := pool.From(context.Background())
		fmt.Println(p.name, err)
	}
	fmt.Println(app.Close(context.Background()))
	_, err := pool.From(context.Background())
	fmt.Println(errors.Is(err, deps.ErrClosed))
	// Output:
	// connecting
	// main <nil>
	// main <nil>
	// main <nil>
	// closing main
	// <nil>
	// true
}

// What a provider declares for the documentation, which docs reads without
// deps importing it.
func ExampleProvider_OpenAPIParameters() {
	b, _ := json.Marshal(CurrentUser.OpenAPIParameters())
	fmt.Println(string(b))
	// Output:
	// [{"description":"The visitor, as JSON, set by Posit Connect","in":"header","name":"RStudio-Connect-Credentials","required":false,"schema":{"type":"string"}}]
}

// Sub-dependencies are providers whose function uses other providers, with
// the request it receives.
func ExampleNew_subDependencies() {
	groups := deps.New(func(r *http.Request) ([]string, error) {
		u, err := CurrentUser.Get(r)
		if err != nil || u == nil {
			return nil, err
		}
		return u.Groups, nil
	}, deps.Uses(CurrentUser))

	h := deps.Scope(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, err := groups.Get(r)
		if err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		fmt.Fprint(w, g)
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("RStudio-Connect-Credentials", `{"user":"ada","groups":["staff","admin"]}`)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Body.String(), len(groups.OpenAPIParameters()))
	// Output:
	// [staff admin] 1
}

// A dependency with its own typed input, given to a bind handler's dep
// field: a bad header fails in the same 422 as the handler's own query.
func ExampleBind() {
	type Caller struct{ Name string }
	caller := deps.Bind(func(_ context.Context, in *struct {
		Name string `header:"X-Caller" validate:"required,min=2"`
	}) (*Caller, error) {
		return &Caller{Name: in.Name}, nil
	})
	h := bind.Handler(func(_ context.Context, in *struct {
		Caller *Caller `dep:""`
		Q      string  `query:"q" validate:"required"`
	}) (string, error) {
		return in.Caller.Name + " searched " + in.Q, nil
	}, bind.Deps(caller))

	for _, c := range []struct{ name, target string }{{"ada", "/search?q=hammer"}, {"a", "/search"}} {
		r := httptest.NewRequest("GET", c.target, nil)
		r.Header.Set("X-Caller", c.name)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 "ada searched hammer"
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[{"type":"string_too_short","loc":["header","x-caller"],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}},{"type":"missing","loc":["query","q"],"msg":"Field required"}]}
}
