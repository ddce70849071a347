package testclient

import (
	"encoding/json"
	"net/http"
)

// Response is a recorded response: its status, its headers as they were
// when the handler wrote the status, and its whole body, flushed parts
// included.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte

	c      *Client
	req    string   // "GET /path?query", for failure messages
	scopes *pending // this request's scopes
}

// Text returns the body as a string, exactly: a JSON encoder's trailing
// newline is kept.
func (r *Response) Text() string { return string(r.Body) }

// Decode decodes the JSON body into v, failing the test when it is not
// valid JSON for v.
func (r *Response) Decode(v any) {
	r.c.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.c.t.Fatalf("testclient: %s: decode the %d response: %v; body: %s", r.req, r.StatusCode, err, r.Body)
	}
}

// Cookies returns the cookies the response sets (its Set-Cookie headers).
func (r *Response) Cookies() []*http.Cookie {
	return (&http.Response{Header: r.Header}).Cookies()
}

// Wait waits until the functions the request deferred in its scope have all
// run: the background tasks of package tasks, then the cleanups of package
// deps. It returns at once when the request opened no scope (no tasks or
// deps middleware) or deferred nothing, and fails the test when they take
// longer than the client's WaitTimeout. Work handed on from there, such as a
// job enqueued on a tasks.Queue, is not waited for.
//
// Wait waits for this request only: tests running in parallel, even on a
// shared handler, do not wait for each other.
func (r *Response) Wait() {
	r.c.t.Helper()
	if !r.scopes.wait(r.c.waitTimeout()) {
		r.c.t.Fatalf("testclient: %s: deferred functions still running after %v", r.req, r.c.waitTimeout())
	}
}
