package stdapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/security"
)

// The greetings API from the seeds, with an unknown language answered as a
// 404 problem instead of FastAPI's 500.
func ExampleNewError() {
	greetings := map[string]string{"en": "Hello", "es": "Hola"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greetings/{lang}", func(w http.ResponseWriter, r *http.Request) {
		text, ok := greetings[r.PathValue("lang")]
		if !ok {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, "Greeting not found"))
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"lang": r.PathValue("lang"), "text": text})
	})

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/greetings/fr", nil))
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body)
	// Output:
	// 404 application/problem+json
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"Greeting not found"}
}

func ExampleValidationError() {
	err := stdapi.ValidationError(
		stdapi.FieldError{Type: "missing", Loc: []any{"body", "price"}, Msg: "Field required"},
		stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "skip"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Input: "a"},
	)
	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/items?skip=a", nil), err)
	fmt.Println(w.Code)
	fmt.Println(w.Body)
	// Output:
	// 422
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[{"type":"missing","loc":["body","price"],"msg":"Field required"},{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"a"}]}
}

// An error that is not a *stdapi.Error is logged and answered with a generic
// 500: its text never reaches the client.
func ExampleWriteError() {
	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/", nil), errors.New("pq: password authentication failed"))
	fmt.Println(w.Code, w.Body)
	// Output:
	// 500 {"type":"about:blank","title":"Internal Server Error","status":500}
}

// Extra headers travel with the error, like HTTPException(headers=...).
func ExampleError_header() {
	err := &stdapi.Error{
		Status: http.StatusUnauthorized,
		Detail: "Not authenticated",
		Header: http.Header{"WWW-Authenticate": {"Bearer"}},
	}
	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/users/me", nil), err)
	fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"))
	fmt.Println(w.Body)
	// Output:
	// 401 Bearer
	// {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}
}

// Teams whose clients parse FastAPI's error bodies switch the format once,
// at start-up.
func ExampleSetFormat() {
	stdapi.SetFormat(stdapi.FormatFastAPI)
	defer stdapi.SetFormat(stdapi.FormatProblem)

	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/items/9", nil), stdapi.NewError(404, "Item not found"))
	fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Body)
	// Output:
	// 404 application/json {"detail":"Item not found"}
}

// A ServeMux answers unknown paths and wrong methods in text/plain;
// wrapped in RouteErrors, it answers them as FastAPI does, keeping Allow.
func ExampleRouteErrors() {
	stdapi.SetFormat(stdapi.FormatFastAPI)
	defer stdapi.SetFormat(stdapi.FormatProblem)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {})
	h := stdapi.RouteErrors(mux)

	for _, r := range []*http.Request{
		httptest.NewRequest("GET", "/nope", nil),
		httptest.NewRequest("GET", "/items", nil),
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Allow"), w.Body)
	}
	// Output:
	// 404  {"detail":"Not Found"}
	// 405 POST {"detail":"Method Not Allowed"}
}

// The seeds' greetings API with typed handlers: bind reads the path
// parameter and writes the JSON; an unknown language is a 404 problem.
func Example_greetings() {
	type Greeting struct {
		Lang string `json:"lang"`
		Text string `json:"text"`
	}
	type GetGreeting struct {
		Lang string `path:"lang"`
	}
	db := map[string]string{"en": "Hello", "es": "Hola", "zh": "你好"}

	mux := http.NewServeMux()
	mux.Handle("GET /greetings/{lang}", bind.Handler(func(_ context.Context, in *GetGreeting) (Greeting, error) {
		text, ok := db[in.Lang]
		if !ok {
			return Greeting{}, stdapi.NewError(http.StatusNotFound, "No greeting for language "+in.Lang)
		}
		return Greeting{Lang: in.Lang, Text: text}, nil
	}))

	for _, path := range []string{"/greetings/zh", "/greetings/fr"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(w.Code, w.Header().Get("Content-Type"), strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 200 application/json {"lang":"zh","text":"你好"}
	// 404 application/problem+json {"type":"about:blank","title":"Not Found","status":404,"detail":"No greeting for language fr"}
}

// Every problem with a request comes back at once, in one 422: here a
// query parameter that is not a number and a body that breaks two rules.
func Example_validation() {
	type ItemIn struct {
		Name  string  `json:"name" validate:"required,min=1,max=50"`
		Price float64 `json:"price" validate:"required,gt=0"`
	}
	type CreateItem struct {
		DryRun bool `query:"dry_run"`
		Body   ItemIn
	}
	h := bind.Handler(func(_ context.Context, in *CreateItem) (ItemIn, error) {
		return in.Body, nil
	}, bind.Status(http.StatusCreated))

	r := httptest.NewRequest("POST", "/items?dry_run=maybe", strings.NewReader(`{"name":"","price":0}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body)
	// Output:
	// 422 application/problem+json
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[{"type":"bool_parsing","loc":["query","dry_run"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"},{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]}
}

// A route behind the OAuth2 password flow: a JWT with the "me" scope gets
// in; no token is a 401 with a Bearer challenge; a token without the scope
// is a 403 that names the scope.
func Example_protectedRoute() {
	key, _ := security.NewKey("k1", "HS256", []byte("an example secret of 32 bytes!!!"))
	keys, _ := security.NewKeySet(key)
	issuer := &security.Issuer{Keys: keys, Issuer: "example"}
	verifier, _ := security.NewVerifier[security.Claims](keys, security.VerifierOptions{Issuer: "example"})
	oauth2 := &security.OAuth2Password{TokenURL: "token", Verify: verifier.Verify}

	mux := http.NewServeMux()
	mux.Handle("GET /users/me", security.Require(oauth2, "me")(bind.Handler(
		func(ctx context.Context, _ *struct{}) (map[string]string, error) {
			return map[string]string{"username": security.MustUser[*security.Claims](ctx).Subject}, nil
		})))

	token := func(scope string) string {
		t, _ := issuer.Sign(security.Claims{RegisteredClaims: issuer.Registered("alice"), Scope: scope})
		return t
	}
	for _, auth := range []string{"", "Bearer " + token("items:read"), "Bearer " + token("me items:read")} {
		r := httptest.NewRequest("GET", "/users/me", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
		if c := w.Header().Get("WWW-Authenticate"); c != "" {
			fmt.Println("  WWW-Authenticate:", c)
		}
	}
	// Output:
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}
	//   WWW-Authenticate: Bearer
	// 403 {"type":"about:blank","title":"Forbidden","status":403,"detail":"Not enough permissions"}
	//   WWW-Authenticate: Bearer error="insufficient_scope", scope="me"
	// 200 {"username":"alice"}
}

type unicornError struct{ name string }

func (e *unicornError) Error() string { return e.name + " did something" }

// An error type with its own handler, FastAPI's exception_handler.
func ExampleOnError() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /unicorns/{name}", func(w http.ResponseWriter, r *http.Request) {
		stdapi.WriteError(w, r, &unicornError{name: r.PathValue("name")})
	})
	h := stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *unicornError) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprintf(w, `{"message":"Oops! %s."}`, e)
	})(mux)

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/unicorns/yolo", nil))
	fmt.Println(w.Code, w.Body)
	// Output: 418 {"message":"Oops! yolo did something."}
}
