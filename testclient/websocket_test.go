package testclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/testclient"
	"github.com/stdapi/stdapi/ws"
)

// chatApp refuses a handshake without the bearer token "ok" with a 401
// problem, greets with what the upgrade request carried, echoes one message,
// and logs "bye" from a background task once the connection has ended.
func chatApp(log *[]string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
	})
	chat := ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		r := c.Request()
		ck, _ := r.Cookie("session")
		_ = tasks.Add(ctx, func(context.Context) error { *log = append(*log, "bye"); return nil })
		_ = c.SendText(fmt.Sprintf("room %s, host %s, trace %s, cookie %v, q %s",
			r.PathValue("room"), r.Host, r.Header.Get("X-Trace"), ck, r.URL.Query().Get("q")))
		msg, err := c.ReadText()
		if err != nil {
			return err
		}
		return c.SendText("echo " + msg)
	})
	mux.Handle("GET /chat/{room}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ok" {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusUnauthorized, "Not authenticated"))
			return
		}
		chat.ServeHTTP(w, r)
	}))
	return tasks.Middleware(mux)
}

func TestWebSocket(t *testing.T) {
	var log []string
	c := testclient.New(t, chatApp(&log))
	c.Header.Set("X-Trace", "t1")
	c.Post("/login")
	conn, err := c.WebSocket("/chat/go?q=a", testclient.Bearer("ok"), testclient.Query(url.Values{"q": {"b"}}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"room go, host testserver, trace t1, cookie session=s1, q a", "echo hi"}
	if err := conn.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		_, msg, err := conn.ReadMessage()
		if err != nil || string(msg) != w {
			t.Fatalf("got %q %v, want %q", msg, err, w)
		}
	}
	conn.Close()
	c.Wait() // the handler has returned and its task has run
	if fmt.Sprint(log) != "[bye]" {
		t.Errorf("after Wait: %v", log)
	}
}

func TestWebSocketRefused(t *testing.T) {
	var log []string
	c := testclient.New(t, chatApp(&log))
	tests := []struct {
		name string
		path string
		opts []testclient.Option
		want string
	}{
		{"no token", "/chat/go", nil,
			`testclient: websocket /chat/go: handshake refused: 401 Unauthorized: {"type":"about:blank","title":"Unauthorized","status":401,"detail":"Not authenticated"}`},
		{"not found", "/nope", []testclient.Option{testclient.Bearer("ok")},
			`testclient: websocket /nope: handshake refused: 404 Not Found: 404 page not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := c.WebSocket(tt.path, tt.opts...)
			if conn != nil {
				conn.Close()
			}
			var he *testclient.HandshakeError
			if !errors.As(err, &he) || !errors.Is(err, websocket.ErrBadHandshake) || err.Error() != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
		})
	}
	_, err := c.WebSocket("/chat/go", testclient.JSON(1))
	if err == nil || err.Error() != "testclient: websocket /chat/go: a WebSocket handshake has no body" {
		t.Errorf("with a body: %v", err)
	}
}

// A connection the test leaves open is closed when the test ends, and the
// handler has returned by then.
func TestWebSocketClosedAtCleanup(t *testing.T) {
	var log []string
	h := chatApp(&log)
	t.Run("leaves it open", func(t *testing.T) {
		c := testclient.New(t, h)
		c.WaitTimeout = 5 * time.Second
		if _, err := c.WebSocket("/chat/go", testclient.Bearer("ok")); err != nil {
			t.Fatal(err)
		}
	})
	if fmt.Sprint(log) != "[bye]" {
		t.Errorf("after the test: %v", log)
	}
}
