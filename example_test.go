package stdapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/stdapi/stdapi"
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
		stdapi.FieldError{Type: "int_parsing", Loc: []any{"query", "skip"}, Msg: "Input should be a valid integer", Input: "a"},
	)
	w := httptest.NewRecorder()
	stdapi.WriteError(w, httptest.NewRequest("GET", "/items?skip=a", nil), err)
	fmt.Println(w.Code)
	fmt.Println(w.Body)
	// Output:
	// 422
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"2 validation errors","errors":[{"type":"missing","loc":["body","price"],"msg":"Field required"},{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer","input":"a"}]}
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
