package testclient

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/scopehook"
)

// HandshakeError is the error WebSocket returns when the handler answers the
// handshake with something other than 101 Switching Protocols: a 401 of an
// authentication middleware, a 422 of bound parameters. It wraps
// websocket.ErrBadHandshake.
type HandshakeError struct {
	Path       string
	StatusCode int
	Header     http.Header
	Body       []byte // the first 1024 bytes, as gorilla/websocket keeps them
}

// Error reports the path, the status and the body of the refusal.
func (e *HandshakeError) Error() string {
	return fmt.Sprintf("testclient: websocket %s: handshake refused: %d %s: %s",
		e.Path, e.StatusCode, http.StatusText(e.StatusCode), strings.TrimSpace(string(e.Body)))
}

// Unwrap returns websocket.ErrBadHandshake.
func (e *HandshakeError) Unwrap() error { return websocket.ErrBadHandshake }

// WebSocket dials path (a path, or an absolute URL as for Get) on a server
// that the client starts on loopback the first time, with its handler, and
// closes when the test ends. The handler sees the Host of BaseURL, the
// client's Header, the Jar's cookies and the options' headers and query;
// Context bounds the handshake, and a body option is an error. The
// connection is closed when the test ends, if the test has not closed it;
// Client.Wait waits for the handler to return.
//
// A refused handshake returns a *HandshakeError with the status and body of
// the refusal.
func (c *Client) WebSocket(path string, opts ...Option) (*websocket.Conn, error) {
	rq, u, err := c.build(path, opts)
	if err == nil && rq.hasBody {
		err = errors.New("a WebSocket handshake has no body")
	}
	if err != nil {
		return nil, fmt.Errorf("testclient: websocket %s: %w", path, err)
	}
	if rq.ctx == nil {
		rq.ctx = c.t.Context()
	}
	h := make(http.Header)
	c.addHeader(h, rq.header)
	if c.Jar != nil {
		hr := &http.Request{Header: h}
		for _, ck := range c.Jar.Cookies(u) {
			hr.AddCookie(ck) // joined into one Cookie header, after any of the options
		}
	}
	if h.Get("Host") == "" {
		h.Set("Host", u.Host)
	}
	target := "ws://" + c.server().Listener.Addr().String() + u.RequestURI()
	conn, res, err := (&websocket.Dialer{}).DialContext(rq.ctx, target, h)
	if res != nil && c.Jar != nil {
		c.Jar.SetCookies(u, res.Cookies())
	}
	if errors.Is(err, websocket.ErrBadHandshake) && res != nil {
		body, _ := io.ReadAll(res.Body)
		return nil, &HandshakeError{Path: path, StatusCode: res.StatusCode, Header: res.Header, Body: body}
	}
	if err != nil {
		return nil, fmt.Errorf("testclient: websocket %s: %w", path, err)
	}
	c.mu.Lock()
	c.conns = append(c.conns, conn)
	c.mu.Unlock()
	return conn, nil
}

// server returns the client's loopback server, starting it on first use.
func (c *Client) server() *httptest.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv == nil {
		c.srv = httptest.NewServer(http.HandlerFunc(c.serveWebSocket))
	}
	return c.srv
}

// serveWebSocket counts the handler as running until it returns, and hooks
// the scopes it opens, for Client.Wait.
func (c *Client) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	c.all.add(1)
	defer c.all.add(-1)
	c.h.ServeHTTP(w, r.WithContext(scopehook.With(r.Context(), c.all.open)))
}
