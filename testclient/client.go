package testclient

import (
	"bytes"
	"crypto/tls"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/scopehook"
)

// BaseURL is where requests go when their path is not an absolute URL, and
// the site the cookie jar keeps cookies for. Give a path such as
// "https://testserver/login" to send a request the handler sees as HTTPS
// (r.TLS is set), which is also how Secure cookies are sent back.
const BaseURL = "http://testserver"

// RemoteAddr is the client address handlers see in r.RemoteAddr, the one
// httptest.NewRequest uses (TEST-NET-1, RFC 5737).
const RemoteAddr = "192.0.2.1:1234"

var base, _ = url.Parse(BaseURL)

// Client sends requests to one handler, in process, for one test. Create it
// with New and set its fields before the first request; then it is safe for
// concurrent use.
type Client struct {
	// Header is sent with every request, WebSocket handshakes included. The
	// values an Option gives a header replace the ones held here.
	Header http.Header
	// Jar keeps the cookies that responses set and sends them back, as a
	// browser would; New sets it to a cookiejar.Jar. Set it to nil to send
	// no cookies but those of the Header.
	Jar http.CookieJar
	// WaitTimeout bounds Response.Wait and Client.Wait, which fail the test
	// when it passes. Zero means DefaultWaitTimeout (10 seconds).
	WaitTimeout time.Duration

	t   testing.TB
	h   http.Handler
	all pending // every scope and WebSocket handler of this client

	mu    sync.Mutex
	srv   *httptest.Server // started by the first WebSocket
	conns []*websocket.Conn
}

// New returns a Client that serves its requests with h. When the test ends
// it closes the WebSocket connections it dialed and its server, then waits,
// up to WaitTimeout, for the handlers and the deferred functions of every
// request it sent, reporting an error for what is left.
func New(t testing.TB, h http.Handler) *Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	c := &Client{Header: make(http.Header), Jar: jar, t: t, h: h}
	t.Cleanup(c.close)
	return c
}

// Get sends a GET request for path (with its query, if any), which may be
// an absolute URL; see BaseURL.
func (c *Client) Get(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.send(http.MethodGet, path, opts)
}

// Post sends a POST request; give its body with JSON, Form, Multipart or
// Body.
func (c *Client) Post(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.send(http.MethodPost, path, opts)
}

// Put sends a PUT request.
func (c *Client) Put(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.send(http.MethodPut, path, opts)
}

// Patch sends a PATCH request.
func (c *Client) Patch(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.send(http.MethodPatch, path, opts)
}

// Delete sends a DELETE request.
func (c *Client) Delete(path string, opts ...Option) *Response {
	c.t.Helper()
	return c.send(http.MethodDelete, path, opts)
}

// Do sends r, made with http.NewRequest or httptest.NewRequest, with any
// method. A URL without a host goes to BaseURL. The client's Header values
// for headers r lacks and the cookies of the Jar are added; r's context is
// kept.
func (c *Client) Do(r *http.Request) *Response {
	c.t.Helper()
	r = r.Clone(r.Context())
	if r.URL.Host == "" {
		r.URL = base.ResolveReference(r.URL)
	}
	c.addHeader(r.Header, nil)
	return c.serve(r)
}

// Wait waits until every request the client sent has finished its deferred
// functions (background tasks, dependency cleanups) and every WebSocket
// handler it reached has returned. It fails the test after WaitTimeout.
func (c *Client) Wait() {
	c.t.Helper()
	if !c.all.wait(c.waitTimeout()) {
		c.t.Fatalf("testclient: %d request(s) still running after %v", c.all.count(), c.waitTimeout())
	}
}

func (c *Client) send(method, path string, opts []Option) *Response {
	c.t.Helper()
	rq, u, err := c.build(path, opts)
	if err == nil && rq.ctx == nil {
		rq.ctx = c.t.Context()
	}
	var r *http.Request
	if err == nil {
		r, err = http.NewRequestWithContext(rq.ctx, method, u.String(), bytes.NewReader(rq.body))
	}
	if err != nil {
		c.t.Fatalf("testclient: %s %s: %v", method, path, err)
	}
	if !rq.hasBody {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	if rq.contentType != "" {
		r.Header.Set("Content-Type", rq.contentType)
	}
	c.addHeader(r.Header, rq.header)
	return c.serve(r)
}

// build applies opts and resolves path, with their query, against BaseURL.
func (c *Client) build(path string, opts []Option) (*request, *url.URL, error) {
	rq := &request{header: make(http.Header), query: make(url.Values)}
	for _, o := range opts {
		o(rq)
	}
	if rq.err != nil {
		return nil, nil, rq.err
	}
	u, err := base.Parse(path)
	if err != nil {
		return nil, nil, err
	}
	if len(rq.query) > 0 {
		q := u.Query()
		for k, vs := range rq.query {
			q[k] = append(q[k], vs...)
		}
		u.RawQuery = q.Encode()
	}
	return rq, u, nil
}

// addHeader fills h with the options' header values, then with the
// client's for the keys neither h nor the options have.
func (c *Client) addHeader(h, fromOptions http.Header) {
	for k, vs := range fromOptions {
		h[k] = vs
	}
	for k, vs := range c.Header {
		if _, ok := h[k]; !ok {
			h[k] = append([]string(nil), vs...)
		}
	}
}

// serve runs the handler on r and records the response.
func (c *Client) serve(r *http.Request) *Response {
	c.t.Helper()
	if c.Jar != nil {
		for _, ck := range c.Jar.Cookies(r.URL) {
			r.AddCookie(ck)
		}
	}
	r.Host = r.URL.Host
	r.RequestURI = r.URL.RequestURI()
	if r.RemoteAddr == "" {
		r.RemoteAddr = RemoteAddr
	}
	if r.URL.Scheme == "https" && r.TLS == nil {
		r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: r.URL.Hostname()}
	}
	res := &Response{c: c, req: r.Method + " " + r.RequestURI, scopes: &pending{parent: &c.all}}
	r = r.WithContext(scopehook.With(r.Context(), res.scopes.open))
	rec := httptest.NewRecorder()
	c.run(rec, r, res.req)
	out := rec.Result()
	res.StatusCode, res.Header, res.Body = out.StatusCode, out.Header, rec.Body.Bytes()
	if c.Jar != nil {
		c.Jar.SetCookies(r.URL, out.Cookies())
	}
	return res
}

// run calls the handler; a panic fails the test, as an exception in the
// application fails a test of FastAPI's TestClient.
func (c *Client) run(w http.ResponseWriter, r *http.Request, what string) {
	c.t.Helper()
	defer func() {
		if v := recover(); v != nil {
			c.t.Helper()
			c.t.Fatalf("testclient: %s: the handler panicked: %v\n%s", what, v, debug.Stack())
		}
	}()
	c.h.ServeHTTP(w, r)
}

func (c *Client) waitTimeout() time.Duration {
	if c.WaitTimeout > 0 {
		return c.WaitTimeout
	}
	return DefaultWaitTimeout
}

// close ends the test's use of the client: see New.
func (c *Client) close() {
	c.mu.Lock()
	conns, srv := c.conns, c.srv
	c.conns = nil
	c.mu.Unlock()
	for _, conn := range conns {
		_ = conn.Close()
	}
	if srv != nil {
		srv.Close()
	}
	if !c.all.wait(c.waitTimeout()) {
		c.t.Errorf("testclient: %d request(s) still running %v after the test ended", c.all.count(), c.waitTimeout())
	}
}
