package stream_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/stream"
	"github.com/stdapi/stdapi/ws"
)

// feed joins each stream to the room "feed" of hub and waits for it to end.
func feed(hub *ws.Hub, joined chan<- struct{}) http.Handler {
	return stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		if err := s.Join(hub, "feed"); err != nil {
			return err
		}
		joined <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}, stream.KeepAlive(-1))
}

// One Broadcast reaches a WebSocket connection and an SSE stream alike.
func TestHubReachesWebSocketAndEvents(t *testing.T) {
	checkLeaks(t)
	var hub ws.Hub
	t.Cleanup(func() { hub.Close() })
	joined := make(chan struct{}, 2)
	mux := http.NewServeMux()
	mux.Handle("GET /events", feed(&hub, joined))
	mux.Handle("GET /ws", ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		if err := hub.Join("feed", c); err != nil {
			return err
		}
		joined <- struct{}{}
		for {
			if _, err := c.ReadText(); err != nil {
				return err
			}
		}
	}))
	srv := serve(t, mux)
	res := open(t, context.Background(), srv, "/events", nil)
	wc, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wc.Close() })
	wait(t, joined)
	wait(t, joined)

	msg, _ := ws.NewJSON(Tick{N: 1, Text: "hi"})
	if err := hub.Broadcast(context.Background(), "feed", msg); err != nil {
		t.Fatal(err)
	}
	hub.Broadcast(context.Background(), "feed", ws.NewText("two\nlines"))
	hub.Broadcast(context.Background(), "feed", ws.NewBinary([]byte{0xff}))
	hub.Broadcast(context.Background(), "feed", ws.NewText("last"))

	f := newFrames(res.Body)
	for _, want := range []string{`data: {"n":1,"text":"hi"}`, "data: two\ndata: lines", "data: last"} {
		if got := f.must(t); got != want {
			t.Errorf("SSE frame %q, want %q", got, want)
		}
	}
	wc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, data, err := wc.ReadMessage(); err != nil || string(data) != `{"n":1,"text":"hi"}` {
		t.Errorf("WebSocket message %q, %v", data, err)
	}
	if hub.Count("feed") != 2 {
		t.Errorf("%d members, want 2", hub.Count("feed"))
	}
}

// A stream that ends leaves its rooms; hub.Close ends the streams.
func TestHubMembership(t *testing.T) {
	checkLeaks(t)
	var hub ws.Hub
	joined := make(chan struct{}, 2)
	srv := serve(t, feed(&hub, joined))
	ctx, cancel := context.WithCancel(context.Background())
	open(t, ctx, srv, "", nil)
	wait(t, joined)
	cancel()
	for deadline := time.Now().Add(10 * time.Second); hub.Count("feed") != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream did not leave the room")
		}
	}
	res := open(t, context.Background(), srv, "", nil)
	wait(t, joined)
	hub.Close()
	if rest, err := newFrames(res.Body).next(); err == nil || rest != "" {
		t.Errorf("after hub.Close: %q, %v; want the end of the stream", rest, err)
	}
}

// A stream whose queue is full is disconnected by the hub's default
// policy; droppable messages are dropped instead.
func TestHubSlowStream(t *testing.T) {
	checkLeaks(t)
	hub := ws.Hub{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(func() { hub.Close() })
	ended := make(chan error, 1)
	joined := make(chan struct{}, 1)
	returned := make(chan struct{})
	h := stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		if err := s.Join(&hub, "feed"); err != nil {
			return err
		}
		joined <- struct{}{}
		<-ctx.Done()
		ended <- context.Cause(ctx)
		return nil
	}, stream.SendQueue(2), stream.KeepAlive(-1), stream.WriteTimeout(time.Hour))
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		close(returned)
	}))
	conn, err := dialRaw(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	wait(t, joined)
	big := ws.NewText(strings.Repeat("x", 16<<10))
	// Fill the socket: once the client's buffers are full, the writer
	// blocks in a write and the queue stops taking messages.
	for i, still := 0, 0; i < 100_000 && still < 200; i++ {
		before := hub.Stats().Queued
		hub.Broadcast(context.Background(), "feed", big.Droppable())
		if hub.Stats().Queued == before {
			still++
		} else {
			still = 0
		}
	}
	if hub.Stats().Dropped == 0 || hub.Count("feed") != 1 {
		t.Fatalf("droppable messages: %+v, %d members", hub.Stats(), hub.Count("feed"))
	}
	for i := 0; i < 10_000 && hub.Count("feed") > 0; i++ {
		hub.Broadcast(context.Background(), "feed", big)
	}
	if err := wait(t, ended); !errors.Is(err, stream.ErrClosed) {
		t.Errorf("cause %v, want ErrClosed", err)
	}
	wait(t, returned) // the writer's blocked write ended with the stream, not after WriteTimeout
	if hub.Stats().Disconnected != 1 {
		t.Errorf("stats %+v, want 1 disconnected", hub.Stats())
	}
}

// Through a Broker, a broadcast on one hub reaches the streams of another.
func TestHubAcrossNodes(t *testing.T) {
	checkLeaks(t)
	bus := ws.NewMemoryBus()
	a, b := &ws.Hub{Broker: bus.Node()}, &ws.Hub{Broker: bus.Node()}
	t.Cleanup(func() { a.Close(); b.Close() })
	joined := make(chan struct{}, 1)
	srv := serve(t, feed(b, joined))
	res := open(t, context.Background(), srv, "", nil)
	wait(t, joined)
	a.Broadcast(context.Background(), "feed", ws.NewText("from a"))
	if got := newFrames(res.Body).must(t); got != "data: from a" {
		t.Errorf("frame %q", got)
	}
}
