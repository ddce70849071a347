//go:build unix

package redis

import (
	"errors"
	"syscall"
	"testing"
	"time"
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
