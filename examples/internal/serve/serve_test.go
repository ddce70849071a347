package serve

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// A shutdown lets the request in flight finish, closes hijacked
// connections first and drains background work last.
func TestServeGracefulShutdown(t *testing.T) {
	defer leakcheck.Check(t)()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	var mu sync.Mutex
	var events []string
	record := func(e string) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	closed := make(chan struct{})
	opts := Options{
		CloseConns: func() { record("close conns"); close(closed) },
		Drain:      func(context.Context) error { record("drain"); return nil },
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, opts) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel()
	<-closed // shutdown has begun, with the request still in flight
	record("request released")
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Fatalf("request in flight: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	want := "close conns, request released, drain"
	if got := strings.Join(events, ", "); got != want {
		t.Errorf("events: %s, want %s", got, want)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("the listener still accepts connections")
	}
}

func TestRunBadAddress(t *testing.T) {
	if err := Run(t.Context(), "127.0.0.1:-1", http.NotFoundHandler(), Options{}); err == nil {
		t.Fatal("Run accepted an invalid address")
	}
}

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	})))
	defer slog.SetDefault(old)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /teapot", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	})
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through AccessLog: %v", err)
		}
	})
	srv := AccessLog(mux)
	for _, p := range []string{"/teapot", "/ok", "/empty", "/flush", "/missing"} {
		req, _ := http.NewRequest("GET", p, nil)
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}
	want := `level=INFO msg=request method=GET path=/teapot status=418 bytes=15
level=INFO msg=request method=GET path=/ok status=200 bytes=2
level=INFO msg=request method=GET path=/empty status=200 bytes=0
level=INFO msg=request method=GET path=/flush status=200 bytes=1
level=INFO msg=request method=GET path=/missing status=404 bytes=19
`
	if buf.String() != want {
		t.Errorf("log\n%s\nwant\n%s", buf.String(), want)
	}
}
