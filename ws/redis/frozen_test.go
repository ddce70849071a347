//go:build unix

package redis

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

// TestRedisFrozen stops the Redis process (SIGSTOP): its connections stay
// open but nothing answers. The broker notices through its unanswered
// ping, reconnects once Redis runs again, and reports the gap.
func TestRedisFrozen(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	srv := startRedis(t)
	gaps := make(chan Gap, 4)
	a, addrA := localNode(t, srv.addr(), "a", func(o *Options) {
		o.Prefix = testPrefix(t)
		o.PingInterval = 50 * time.Millisecond
		o.OnGap = func(g Gap) { gaps <- g }
	})
	conns := clients(t, addrA, "lobby", 1)
	syncNode(t, a, "lobby", 1)

	if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !a.broker.Stats().Connected })
	if err := srv.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	select {
	case gap := <-gaps:
		if !errors.Is(gap.Err, errNoPong) {
			t.Errorf("Gap.Err = %v, want errNoPong", gap.Err)
		}
	case <-time.After(guard):
		t.Fatal("no gap reported")
	}
	syncNode(t, a, "lobby", 1)
	// A message from another node reaches the client again.
	publishAs(t, srv.addr(), a.broker.opts.Prefix, "z", "after the freeze")
	expect(t, conns, "after the freeze")
}

// documentedNode starts a node whose client is set up as the package
// documentation shows, with go-redis's default options (MaxRetries 3),
// adjusted by opts when not nil.
func documentedNode(t *testing.T, addr, id, prefix string, opts func(*goredis.Options)) (*node, string) {
	t.Helper()
	o := &goredis.Options{Addr: addr}
	if opts != nil {
		opts(o)
	}
	return localNode(t, addr, id, func(bo *Options) {
		bo.Prefix = prefix
		bo.Client.Close()
		bo.Client = goredis.NewClient(o)
	})
}

// TestRedisFrozenDocumentedClient freezes Redis (SIGSTOP) under two nodes
// whose clients retry (go-redis's defaults, and short read timeouts that
// make go-redis resend a PUBLISH pipeline while Redis is frozen):
// Broadcast never waits for Redis, and once Redis runs again each message
// reaches the other node at most once, whatever copies were sent.
func TestRedisFrozenDocumentedClient(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts func(*goredis.Options)
	}{
		{"default options", nil},
		{"retries within the deadline", func(o *goredis.Options) {
			o.ReadTimeout = 50 * time.Millisecond
			o.MinIdleConns = 4 // connections ready for the retries while Redis is frozen
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Cleanup(checkLeaks(t))
			srv := startRedis(t)
			prefix := testPrefix(t)
			a, _ := documentedNode(t, srv.addr(), "a", prefix, tt.opts)
			b, addrB := documentedNode(t, srv.addr(), "b", prefix, tt.opts)
			conns := clients(t, addrB, "lobby", 1)
			syncNode(t, b, "lobby", 1)
			ctx := context.Background()
			a.hub.Broadcast(ctx, "lobby", ws.NewText("before"))
			expect(t, conns, "before")

			if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			const during = 20
			var slowest time.Duration
			for i := range during {
				start := time.Now()
				if err := a.hub.Broadcast(ctx, "lobby", ws.NewText(fmt.Sprint("during ", i))); err != nil {
					t.Errorf("Broadcast %d = %v", i, err)
				}
				slowest = max(slowest, time.Since(start))
				time.Sleep(10 * time.Millisecond)
			}
			// Every message has been given up on (PublishTimeout) while
			// Redis is still frozen: none waits to be sent once it is back.
			waitFor(t, func() bool { st := a.broker.Stats(); return st.Published+st.PublishFailed == 1+during })
			if err := srv.cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool {
				return a.hub.Broadcast(ctx, "lobby", ws.NewText("after")) == nil && a.broker.Stats().Published >= 2
			})

			seen := map[string]int{}
			for {
				conns[0].SetReadDeadline(time.Now().Add(guard))
				_, m, err := conns[0].ReadMessage()
				if err != nil {
					t.Fatal(err)
				}
				if seen[string(m)]++; seen[string(m)] > 1 {
					t.Errorf("%q delivered %d times", m, seen[string(m)])
				}
				if string(m) == "after" {
					break
				}
			}
			t.Logf("slowest of %d Broadcasts while Redis was frozen: %v; a: %+v; b: %+v",
				during, slowest, a.broker.Stats(), b.broker.Stats())
		})
	}
}
