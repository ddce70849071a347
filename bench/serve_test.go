package bench_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stdapi/stdapi/bench"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// TestServe serves every implementation over loopback, as the servers of
// bench/run do, and checks that Serve returns nil and leaves nothing
// running once its context ends.
func TestServe(t *testing.T) {
	defer leakcheck.Check(t)()
	for _, impl := range bench.Implementations() {
		t.Run(impl.Cmd, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- bench.Serve(ctx, ln, impl.New()) }()

			client := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
			res, err := client.Get("http://" + ln.Addr().String() + "/greetings/es")
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			client.CloseIdleConnections()
			if res.StatusCode != 200 || string(body) != `{"lang":"es","text":"Hola"}`+trailing(impl.Cmd) {
				t.Errorf("got %d %q", res.StatusCode, body)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Serve returned %v after shutdown", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after its context ended")
			}
		})
	}
}

// trailing is the newline that the JSON encoders of echo and huma end
// their bodies with.
func trailing(cmd string) string {
	if cmd == "echo" || cmd == "huma" {
		return "\n"
	}
	return ""
}

// TestServeListenerError checks that Serve returns the error of a listener
// that fails, without waiting for its context.
func TestServeListenerError(t *testing.T) {
	defer leakcheck.Check(t)()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := bench.Serve(context.Background(), ln, http.NotFoundHandler()); err == nil {
		t.Fatal("Serve on a closed listener returned nil")
	}
}
