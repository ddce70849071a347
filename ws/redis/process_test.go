package redis

import (
	"slices"
	"testing"
)

// TestTwoProcesses runs one node in the test process and one in another
// process, each with WebSocket clients: a broadcast on either node reaches
// every client of the room, once, and no client of another room.
func TestTwoProcesses(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	a, addrA := localNode(t, addr, "a", func(o *Options) { o.Prefix = prefix })
	addrB := remoteNode(t, addr, prefix, "b")

	onA := clients(t, addrA, "lobby", 3)
	onB := clients(t, addrB, "lobby", 3)
	otherB := clients(t, addrB, "other", 1)
	syncNode(t, a, "lobby", 3)
	call(t, "GET", "http://"+addrB+"/sync/lobby?members=3", "", 204)
	call(t, "GET", "http://"+addrB+"/sync/other?members=1", "", 204)
	all := append(slices.Clone(onA), onB...)

	call(t, "POST", "http://"+addrA+"/broadcast/lobby", "from a", 204)
	expect(t, all, "from a")
	call(t, "POST", "http://"+addrB+"/broadcast/lobby", "from b", 204)
	expect(t, all, "from b")
	call(t, "POST", "http://"+addrA+"/broadcast/other", "other from a", 204)
	expect(t, otherB, "other from a") // and not the lobby's messages
	call(t, "POST", "http://"+addrA+"/broadcast/lobby", "again from a", 204)
	expect(t, all, "again from a") // and not a second copy of an earlier one
}
