package ws_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/ws"
)

type wsSession struct{ user string }

// A dep field of an endpoint is filled from the dependencies docs offers
// the route, and its cleanup runs when the connection has ended.
func TestEndpointDependencies(t *testing.T) {
	closed := make(chan struct{})
	db := deps.NewWithCleanup(func(r *http.Request) (*wsSession, func(error), error) {
		return &wsSession{user: r.URL.Query().Get("name")}, func(error) { close(closed) }, nil
	})
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "t"})
	api.Handle(mux, "GET /ws", ws.Endpoint(func(ctx context.Context, in *struct {
		Name string     `query:"name" validate:"required"`
		DB   *wsSession `dep:""`
	}, c *ws.Conn) error {
		return c.SendText("hello " + in.DB.user)
	}), docs.Deps(db))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws?name=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "hello ann" {
		t.Fatalf("got %q, %v", msg, err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the session's cleanup did not run after the connection ended")
	}
}
