package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/stdapi/stdapi/examples/showcase/app"
)

// serve sends one request to h and prints the status and the body.
func serve(h http.Handler, r *http.Request) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
}

// The showcase as an http.Handler: alice logs in, queues a report job,
// and finds its mail in the outbox once the queue has drained. With
// Config.Backend set to a tasks/river Backend, the same job goes through
// PostgreSQL.
func Example() {
	a, err := app.New(app.Config{APIKey: "example-key"})
	if err != nil {
		panic(err)
	}

	form := url.Values{"username": {"alice"}, "password": {"wonderland"}, "scope": {"items:read"}}
	r := httptest.NewRequest("POST", "/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	a.ServeHTTP(w, r)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &token); err != nil {
		panic(err)
	}

	r = httptest.NewRequest("POST", "/reports", strings.NewReader(`{"email":"boss@example.com"}`))
	r.Header.Set("Authorization", "Bearer "+token.AccessToken)
	r.Header.Set("Content-Type", "application/json")
	serve(a, r)

	a.CloseConns()
	if err := a.Drain(context.Background()); err != nil {
		panic(err)
	}
	r = httptest.NewRequest("GET", "/outbox", nil)
	r.SetBasicAuth("alice", "wonderland")
	serve(a, r)
	// Output:
	// 202 {"message":"Report queued"}
	// 200 [{"to":"boss@example.com","subject":"Items report","body":"0 items in stock"}]
}
