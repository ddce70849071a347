package bench_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/stdapi/stdapi/bench"
)

// Each implementation is an http.Handler serving the same endpoints.
func ExampleImplementations() {
	for _, impl := range bench.Implementations() {
		w := httptest.NewRecorder()
		impl.New().ServeHTTP(w, httptest.NewRequest("GET", "/greetings/es", nil))
		fmt.Printf("%-8s %d %s\n", impl.Name, w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// floor    200 {"lang":"es","text":"Hola"}
	// net/http 200 {"lang":"es","text":"Hola"}
	// stdapi   200 {"lang":"es","text":"Hola"}
	// huma     200 {"lang":"es","text":"Hola"}
	// gin      200 {"lang":"es","text":"Hola"}
	// echo     200 {"lang":"es","text":"Hola"}
}

// The stdapi implementation answers three body errors with one 422.
func ExampleStdapi() {
	r := httptest.NewRequest("POST", "/items/42?limit=5",
		strings.NewReader(`{"name":"","price":-1,"category":"cars"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Token", "secret-token")
	w := httptest.NewRecorder()
	bench.Stdapi().ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Println(w.Body)
	// Output:
	// 422 application/problem+json
	// {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":-1,"ctx":{"gt":0}},{"type":"enum","loc":["body","category"],"msg":"Input should be 'food', 'tools' or 'toys'","input":"cars","ctx":{"expected":"'food', 'tools' or 'toys'"}}]}
}

// Token signs the benchmark's bearer tokens.
func ExampleToken() {
	r := httptest.NewRequest("GET", "/users/me", nil)
	r.Header.Set("Authorization", "Bearer "+bench.Token("alice", "me", time.Now().Add(time.Hour)))
	w := httptest.NewRecorder()
	bench.HandWritten().ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)
	// Output:
	// 200 {"sub":"alice","scope":"me"}
}
