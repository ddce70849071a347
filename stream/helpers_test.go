package stream_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// checkLeaks fails t if goroutines started during the test outlive it.
// Called first, its check runs after every other cleanup: servers and
// bodies are closed by then.
func checkLeaks(t *testing.T) { t.Cleanup(leakcheck.Check(t)) }

// serve starts a loopback server for h, closed at the end of the test.
func serve(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// open sends a GET to srv with the given headers, with srv's client.
func open(t *testing.T, ctx context.Context, srv *httptest.Server, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// frames reads a text/event-stream body one frame (the lines up to a blank
// line) at a time.
type frames struct{ r *bufio.Reader }

func newFrames(body io.Reader) *frames { return &frames{bufio.NewReader(body)} }

// next returns the next frame's lines joined by "\n", or io.EOF.
func (f *frames) next() (string, error) {
	var lines []string
	for {
		line, err := f.r.ReadString('\n')
		if err != nil {
			return strings.Join(lines, "\n"), err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			return strings.Join(lines, "\n"), nil
		}
		lines = append(lines, line)
	}
}

func (f *frames) must(t *testing.T) string {
	t.Helper()
	s, err := f.next()
	if err != nil {
		t.Fatalf("reading a frame: %v (read %q)", err, s)
	}
	return s
}

// wait receives from ch, failing the test after ten seconds.
func wait[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
		panic("unreachable")
	}
}

// quiet silences the default logger for the test (internal errors are
// logged by design).
func quiet(t *testing.T) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
}

// dialRaw sends a GET to srv on a raw connection that the test never
// reads: a client that does not keep up.
func dialRaw(srv *httptest.Server) (net.Conn, error) {
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		return nil, err
	}
	_, err = conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	return conn, err
}
