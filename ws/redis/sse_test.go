package redis

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/stream"
	"github.com/stdapi/stdapi/ws"
)

// A server-sent event stream in a room of node b gets what node a
// broadcasts to the room, through Redis, as WebSocket members do.
func TestBroadcastToStreamsAcrossNodes(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	withPrefix := func(o *Options) { o.Prefix = prefix }
	a, _ := localNode(t, addr, "a", withPrefix)
	b, _ := localNode(t, addr, "b", withPrefix)
	srv := httptest.NewServer(stream.Events(func(ctx context.Context, _ *struct{}, s *stream.Stream[string]) error {
		if err := s.Join(b.hub, "lobby"); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}, stream.KeepAlive(-1)))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("%d %s", res.StatusCode, ct)
	}
	syncNode(t, b, "lobby", 1)
	if err := a.hub.Broadcast(context.Background(), "lobby", ws.NewText(`"hello from a"`)); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(res.Body)
	deadline := time.AfterFunc(guard, cancel)
	defer deadline.Stop()
	for lines.Scan() {
		if line := lines.Text(); line == `data: "hello from a"` {
			return
		}
	}
	t.Fatalf("no event from node a: %v", lines.Err())
}
