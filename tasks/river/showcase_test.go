package river_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	riverqueue "github.com/riverqueue/river"
	"github.com/stdapi/stdapi/examples/showcase/app"
	"github.com/stdapi/stdapi/tasks/river"
	"github.com/stdapi/stdapi/tasks/river/internal/testdb"
)

// call serves one request on h and returns the status and the trimmed body.
func call(h http.Handler, method, path, body string, header http.Header) (int, string) {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, strings.TrimSpace(w.Body.String())
}

// The showcase (examples/showcase/app) with its queue on River, as
// cmd/showcase runs it: alice's report job of POST /reports is stored in
// PostgreSQL, run by the River client and lands in the outbox; refused
// requests store nothing; Drain stops the River client, leaving no
// goroutine behind, and a report after it is refused. The database is a
// new one, migrated by New, whose default queue no other test works.
func TestShowcase(t *testing.T) {
	defer checkLeaks(t)()
	pool, err := pgxpool.New(context.Background(), testdb.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	b, err := river.New(context.Background(), pool, river.Options{
		Migrate: true,
		Logger:  quiet(),
		Configure: func(c *riverqueue.Config) {
			c.TestOnly = true
			c.FetchPollInterval = 100 * time.Millisecond
			c.FetchCooldown = 20 * time.Millisecond
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	const apiKey = "showcase-test-key"
	a, err := app.New(app.Config{APIKey: apiKey, Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	drained := false
	defer func() {
		if !drained {
			a.CloseConns()
			a.Drain(context.Background())
		}
	}()

	form := url.Values{"username": {"alice"}, "password": {"wonderland"}}
	status, body := call(a, "POST", "/token", form.Encode(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if status != 200 {
		t.Fatalf("POST /token: %d %s", status, body)
	}
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &token); err != nil {
		t.Fatal(err)
	}
	bearer := http.Header{"Authorization": {"Bearer " + token.AccessToken}, "Content-Type": {"application/json"}}
	for _, name := range []string{"Hammer", "Saw", "Drill"} {
		if status, body := call(a, "POST", "/items", `{"name":"`+name+`","price":1}`, bearer); status != 201 {
			t.Fatalf("POST /items: %d %s", status, body)
		}
	}

	refused := []struct {
		name, body string
		header     http.Header
		status     int
	}{
		{"no token", `{"email":"boss@example.com"}`, http.Header{"Content-Type": {"application/json"}}, 401},
		{"invalid email", `{"email":"not-an-email"}`, bearer, 422},
		{"no email", `{}`, bearer, 422},
		{"not JSON", `{"email":`, bearer, 422},
	}
	for _, tt := range refused {
		if status, body := call(a, "POST", "/reports", tt.body, tt.header); status != tt.status {
			t.Errorf("%s: POST /reports: %d %s, want %d", tt.name, status, body, tt.status)
		}
	}
	if got := jobs(t, pool, "default", "items-report"); len(got) != 0 {
		t.Errorf("jobs stored for refused reports: %+v", got)
	}

	if status, body := call(a, "POST", "/reports", `{"email":"boss@example.com"}`, bearer); status != 202 || body != `{"message":"Report queued"}` {
		t.Fatalf("POST /reports: %d %s", status, body)
	}
	job := waitState(t, pool, "default", "items-report", "completed")
	if want := `{"kind": "items-report", "payload": {"email": "boss@example.com"}}`; job.Attempt != 1 || job.Args != want {
		t.Errorf("the River job: attempt %d, args %s, want 1 and %s", job.Attempt, job.Args, want)
	}
	basic := http.Header{"Authorization": {"Basic YWxpY2U6d29uZGVybGFuZA=="}} // alice:wonderland
	want := `[{"to":"boss@example.com","subject":"Items report","body":"3 items in stock"}]`
	if status, body := call(a, "GET", "/outbox", "", basic); status != 200 || body != want {
		t.Errorf("GET /outbox: %d %s, want %s", status, body, want)
	}
	status, body = call(a, "GET", "/stats", "", http.Header{"X-Api-Key": {apiKey}})
	var stats app.Stats
	if err := json.Unmarshal([]byte(body), &stats); status != 200 || err != nil {
		t.Fatalf("GET /stats: %d %s", status, body)
	}
	if j := stats.Jobs; j.Enqueued != 1 || j.Succeeded != 1 || j.Failed != 0 || j.Running != 0 || stats.Mails != 1 {
		t.Errorf("GET /stats: %s", body)
	}

	a.CloseConns()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	drained = true
	if err := a.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	// Serving after Drain is a bug of the program (Run stops the server
	// first): a 500 that does not tell why, and no job.
	status, body = call(a, "POST", "/reports", `{"email":"late@example.com"}`, bearer)
	if want := `{"type":"about:blank","title":"Internal Server Error","status":500}`; status != 500 || body != want {
		t.Errorf("POST /reports after Drain: %d %s, want 500 %s", status, body, want)
	}
	if got := jobs(t, pool, "default", "items-report"); len(got) != 1 {
		t.Errorf("jobs after Drain: %+v, want the first only", got)
	}
}
