package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/examples/internal/serve"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// The program's shutdown, as SIGTERM runs it: chatters get 1001, the
// background work of the requests served is drained, and Serve returns
// nil.
func TestShutdown(t *testing.T) {
	defer leakcheck.Check(t)()
	app, err := New(Config{APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve.Serve(ctx, ln, app, serve.Options{CloseConns: app.CloseConns, Drain: app.Drain}) }()

	base := "http://" + ln.Addr().String()
	res, err := http.Post(base+"/send-notification/carol@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/ws?name=zed", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a failure guard
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != `{"from":"","text":"zed joined"}` {
		t.Fatalf("join: %s %v", msg, err)
	}

	start := time.Now()
	cancel()
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("got %v, want close 1001", err)
	}
	// gorilla has answered the close frame and the server has half-closed
	// the connection; a client closes its side once ReadMessage fails.
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	t.Logf("shutdown took %v", time.Since(start))
	mails := app.outbox.Mails()
	if len(mails) != 1 || mails[0].To != "carol@example.com" {
		t.Errorf("outbox after shutdown: %v", mails)
	}
}
