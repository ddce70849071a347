package ws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/testclient"
)

type traceKey struct{}

// returnSignal wraps h with a middleware that puts a trace id in the
// request's context and closes the returned channel once h.ServeHTTP has
// returned.
func returnSignal(h http.Handler) (http.Handler, chan struct{}) {
	returned := make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(returned)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), traceKey{}, "t-1")))
	}), returned
}

// Detached, the connection outlives ServeHTTP: its context is not
// cancelled when ServeHTTP returns, keeps the request's values, and ends
// with the connection.
func TestDetachContext(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var returned chan struct{}
	ended := make(chan error, 1)
	h, returned := returnSignal(Handler(func(ctx context.Context, c *Conn) error {
		<-returned
		c.SendText(fmt.Sprintf("ctx %v, request ctx %v, trace %v",
			ctx.Err(), c.Request().Context().Err(), ctx.Value(traceKey{})))
		_, err := c.ReadBytes()
		ended <- ctx.Err()
		return err
	}, Detach()))
	c := dial(t, serve(t, h), nil)
	if _, got := readMsg(t, c); got != "ctx <nil>, request ctx <nil>, trace t-1" {
		t.Errorf("after ServeHTTP returned: %s", got)
	}
	c.Close()
	if err := wait(t, ended); !errors.Is(err, context.Canceled) {
		t.Errorf("ctx.Err() once the client left = %v, want context.Canceled", err)
	}
}

// Detached, Endpoint's own request scope ends with the connection: a dep
// field's cleanup and a background task run after it, in that order (the
// task first), and the test client's Wait waits for them.
func TestDetachEndpointScope(t *testing.T) {
	var mu sync.Mutex
	var events []string
	record := func(e string) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}
	recorded := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(events, ",")
	}
	session := deps.NewWithCleanup(func(r *http.Request) (*wsSession, func(error), error) {
		return &wsSession{user: r.URL.Query().Get("name")}, func(error) { record("cleanup") }, nil
	})
	returned := make(chan struct{})
	e := Endpoint(func(ctx context.Context, in *struct {
		S *wsSession `dep:""`
	}, c *Conn) error {
		if err := tasks.Add(ctx, func(context.Context) error { record("task"); return nil }); err != nil {
			return err
		}
		<-returned
		if err := stdapi.WaitDeferred(ctx); err != nil { // what ServeHTTP's return started, if anything
			return err
		}
		c.SendText(in.S.user + " [" + recorded() + "]")
		_, err := c.ReadBytes()
		return err
	}, Detach())
	if err := e.(bind.Dependent).UseDependencies([]bind.Dependency{session}, nil); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(returned)
		e.ServeHTTP(w, r)
	})
	tc := testclient.New(t, h)
	c, err := tc.WebSocket("/ws?name=ann")
	if err != nil {
		t.Fatal(err)
	}
	if _, got := readMsg(t, c); got != "ann []" {
		t.Errorf("after ServeHTTP returned: %s, want ann [] (nothing run yet)", got)
	}
	c.Close()
	tc.Wait()
	if got := recorded(); got != "task,cleanup" {
		t.Errorf("after the connection ended: %s, want task,cleanup", got)
	}
}

type wsSession struct{ user string }

// A panic on the detached goroutine closes the connection with 1011 and is
// logged; one with http.ErrAbortHandler drops the connection, logs
// nothing, and does not crash the process.
func TestDetachPanic(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	tests := []struct {
		name     string
		value    any
		wantCode int
		wantLog  string // "" for nothing logged
	}{
		{"panic", "boom", CloseInternalError, "panic: boom"},
		{"abort", http.ErrAbortHandler, websocket.CloseAbnormalClosure, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			tc := testclient.New(t, Handler(func(ctx context.Context, c *Conn) error {
				panic(tt.value)
			}, Detach(), Logger(log)))
			c, err := tc.WebSocket("/ws")
			if err != nil {
				t.Fatal(err)
			}
			if ce := readClose(t, c); ce.Code != tt.wantCode {
				t.Errorf("close = %d %q, want %d", ce.Code, ce.Text, tt.wantCode)
			}
			c.Close()
			tc.Wait() // the connection's end, logged
			got := logs.String()
			if tt.wantLog == "" && got != "" {
				t.Errorf("logged %q, want nothing", got)
			}
			if tt.wantLog != "" && (!strings.Contains(got, tt.wantLog) || !strings.Contains(got, "ws: handler failed")) {
				t.Errorf("log %q lacks %q", got, tt.wantLog)
			}
		})
	}
}

// A middleware's after-code runs when ServeHTTP returns: once the
// connection has ended without Detach, at the upgrade with it, and, behind
// a request scope opened in front (which Detach does not detach from),
// once the connection has ended.
func TestDetachMiddlewareAfterCode(t *testing.T) {
	tests := []struct {
		name  string
		opts  []Option
		scope bool // deps.Scope in front
		want  string
	}{
		{"default", nil, false, "end,after"},
		{"Detach", []Option{Detach()}, false, "after,end"},
		{"Detach behind deps.Scope", []Option{Detach()}, true, "end,after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Cleanup(leakcheck.Check(t))
			var mu sync.Mutex
			var order []string
			record := func(e string) {
				mu.Lock()
				order = append(order, e)
				mu.Unlock()
			}
			ended, after := make(chan struct{}), make(chan struct{})
			var h http.Handler = Handler(func(ctx context.Context, c *Conn) error {
				c.SendText("hi")
				_, err := c.ReadBytes()
				record("end")
				close(ended)
				return err
			}, tt.opts...)
			if tt.scope {
				h = deps.Scope(h)
			}
			inner := h
			h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inner.ServeHTTP(w, r)
				record("after")
				close(after)
			})
			c := dial(t, serve(t, h), nil)
			readMsg(t, c)
			if tt.want == "after,end" {
				wait(t, after) // while the connection is open
			}
			c.Close()
			wait(t, ended)
			wait(t, after)
			mu.Lock()
			got := strings.Join(order, ",")
			mu.Unlock()
			if got != tt.want {
				t.Errorf("order = %s, want %s", got, tt.want)
			}
		})
	}
}

// Detached connections are a hub's members like the others: Hub.Close
// sends them 1001.
func TestDetachHubClose(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	joined := make(chan struct{}, 1)
	tc := testclient.New(t, Handler(joiner(&hub, "room", joined), Detach()))
	c, err := tc.WebSocket("/ws")
	if err != nil {
		t.Fatal(err)
	}
	wait(t, joined)
	hub.Close()
	if ce := readClose(t, c); ce.Code != CloseGoingAway {
		t.Errorf("close = %d %q, want 1001", ce.Code, ce.Text)
	}
	c.Close()
	tc.Wait()
}

// Detached, an Endpoint whose handshake does not bind answers 422 and ends
// its request scope with the response.
func TestDetachEndpointRefused(t *testing.T) {
	tc := testclient.New(t, Endpoint(func(ctx context.Context, in *struct {
		Name string `query:"name" validate:"required"`
	}, c *Conn) error {
		return nil
	}, Detach()))
	_, err := tc.WebSocket("/ws")
	var he *testclient.HandshakeError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("err = %v, want a 422 HandshakeError", err)
	}
	tc.Wait()
}
