package ws

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// guard is the failure timeout of the tests: generous, never reached when
// the code works.
const guard = 10 * time.Second

// serve starts a test server for h and returns its ws:// URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// dial opens a client connection; it fails the test if the upgrade fails.
func dial(t *testing.T, url string, header http.Header) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readMsg reads one message with the guard as deadline.
func readMsg(t *testing.T, c *websocket.Conn) (int, string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(guard))
	typ, b, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return typ, string(b)
}

// readClose reads until the connection fails and returns the close error.
func readClose(t *testing.T, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(guard))
	for {
		_, b, err := c.ReadMessage()
		if err == nil {
			t.Logf("message before close: %.80s", b)
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("read: got %v, want a close frame", err)
		}
		return ce
	}
}

func write(t *testing.T, c *websocket.Conn, typ int, s string) {
	t.Helper()
	c.SetWriteDeadline(time.Now().Add(guard))
	if err := c.WriteMessage(typ, []byte(s)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// logBuffer is a slog destination the tests read back.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, nil)), buf
}

// ended wraps fn so that the test can wait for each handler run to return.
func ended(fn Func) (Func, chan error) {
	done := make(chan error, 100)
	return func(ctx context.Context, c *Conn) error {
		err := fn(ctx, c)
		done <- err
		return err
	}, done
}

func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatal("timed out")
		panic("unreachable")
	}
}

// servedSignal wraps h to report each time ServeHTTP returns: for a
// WebSocket handler, once the connection is over and its end is logged.
func servedSignal(h http.Handler) (http.Handler, chan struct{}) {
	served := make(chan struct{}, 100)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { served <- struct{}{} }()
		h.ServeHTTP(w, r)
	}), served
}
