package serve

import (
	"context"
	"io"
	"net"
	"net/http"
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
