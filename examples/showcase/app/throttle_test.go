package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// guess posts one login for alice to srv and returns the response's
// status and its Retry-After header.
func guess(t *testing.T, c *http.Client, srv *httptest.Server, password string) (int, string) {
	t.Helper()
	form := url.Values{"username": {"alice"}, "password": {password}}
	resp, err := c.Post(srv.URL+"/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// 200 wrong passwords for alice, 8 at a time, over a real loopback
// connection: only the first five reach the password check (400
// invalid_grant); the others are answered 429 without hashing, and so is
// alice's right password afterwards, at /token and at GET /outbox. The numbers are logged (go test -v).
func TestTokenGuesses(t *testing.T) {
	app := newApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	c := srv.Client()

	const guesses, workers = 200, 8
	var mu sync.Mutex
	statuses := map[int]int{}
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for i := range next {
				status, _ := guess(t, c, srv, "guess"+string(rune('a'+i%26)))
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		})
	}
	for i := range guesses {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d wrong guesses, %d at a time, in %v: %d reached the password check (400), %d answered 429, others %v",
		guesses, workers, elapsed.Round(time.Millisecond), statuses[400], statuses[429], statuses)

	if statuses[400] != 5 || statuses[429] != guesses-5 {
		t.Errorf("statuses %v, want 5 × 400 and %d × 429", statuses, guesses-5)
	}
	status, retry := guess(t, c, srv, "wonderland")
	if status != http.StatusTooManyRequests || retry == "" {
		t.Errorf("the right password after the guesses: %d, Retry-After %q; want 429 with Retry-After", status, retry)
	}
	// GET /outbox checks the same passwords, with HTTP Basic: alice is
	// locked out there too.
	req, _ := http.NewRequest("GET", srv.URL+"/outbox", nil)
	req.SetBasicAuth("alice", "wonderland")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("GET /outbox as alice: %d, want 429", resp.StatusCode)
	}
}
