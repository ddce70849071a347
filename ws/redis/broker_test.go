package redis

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

// syncNode waits until n's room has members local members and its
// subscriptions are in place.
func syncNode(t testing.TB, n *node, room string, members int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := n.sync(ctx, room, members); err != nil {
		t.Fatal(err)
	}
}

func TestBroadcastAcrossNodes(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	withPrefix := func(o *Options) { o.Prefix = prefix }
	a, addrA := localNode(t, addr, "a", withPrefix)
	b, addrB := localNode(t, addr, "b", withPrefix)
	onA := clients(t, addrA, "lobby", 2)
	onB := clients(t, addrB, "lobby", 3)
	otherB := clients(t, addrB, "other", 1)
	syncNode(t, a, "lobby", 2)
	syncNode(t, b, "lobby", 3)
	syncNode(t, b, "other", 1)
	all := append(slices.Clone(onA), onB...)

	tests := []struct {
		name string
		from *node
		msg  *ws.Message
		typ  int
	}{
		{"text from a", a, ws.NewText("hello from a"), websocket.TextMessage},
		{"binary from b", b, ws.NewBinary([]byte{0, 1, 2, 0xff}), websocket.BinaryMessage},
		{"empty text from b", b, ws.NewText(""), websocket.TextMessage},
		{"text with the envelope's bytes from a", a, ws.NewText("\x01t\x01a"), websocket.TextMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.from.hub.Broadcast(context.Background(), "lobby", tt.msg); err != nil {
				t.Fatal(err)
			}
			for i, c := range all {
				c.SetReadDeadline(time.Now().Add(guard))
				typ, data, err := c.ReadMessage()
				if err != nil || typ != tt.typ || string(data) != string(tt.msg.Data()) {
					t.Fatalf("client %d got %d %q %v, want %d %q", i, typ, data, err, tt.typ, tt.msg.Data())
				}
			}
		})
	}

	// Nothing was delivered twice, nor to the other room: the next message
	// each client reads is the next broadcast.
	if err := a.hub.Broadcast(context.Background(), "other", ws.NewText("other")); err != nil {
		t.Fatal(err)
	}
	expect(t, otherB, "other")
	if err := b.hub.Broadcast(context.Background(), "lobby", ws.NewText("last")); err != nil {
		t.Fatal(err)
	}
	expect(t, all, "last")

	// Published counts what Redis confirmed, which may come after the
	// other nodes have delivered.
	waitFor(t, func() bool { return a.broker.Stats().Published == 3 })
	if st := a.broker.Stats(); st.Published != 3 || st.Delivered != 3 || st.Malformed != 0 || st.Gaps != 0 || !st.Connected {
		t.Errorf("a: Stats = %+v, want 3 published (2 lobby, 1 other), 3 delivered, connected", st)
	}
	// The other nodes may receive a message before its publisher hears
	// Redis confirm it.
	waitFor(t, func() bool { return b.broker.Stats().Published == 3 })
	if st := b.broker.Stats(); st.Published != 3 || st.Delivered != 3 || st.Duplicates != 0 {
		t.Errorf("b: Stats = %+v, want 3 published, 3 delivered (2 lobby, 1 other)", st)
	}
}

// TestOneSubscriptionPerRoomPerNode checks, with Redis's own count, that a
// node subscribes a room once whatever its number of members, and
// unsubscribes when the last one leaves.
func TestOneSubscriptionPerRoomPerNode(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	withPrefix := func(o *Options) { o.Prefix = prefix }
	a, addrA := localNode(t, addr, "a", withPrefix)
	b, addrB := localNode(t, addr, "b", withPrefix)
	clients(t, addrA, "lobby", 1)
	onB := clients(t, addrB, "lobby", 4)
	syncNode(t, a, "lobby", 1)
	syncNode(t, b, "lobby", 4)

	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	channel := prefix + "room:lobby"
	subscribers := func() int64 {
		t.Helper()
		n, err := rdb.PubSubNumSub(context.Background(), channel).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n[channel]
	}
	if n := subscribers(); n != 2 {
		t.Fatalf("%d subscribers to %s with 5 members on 2 nodes, want 2", n, channel)
	}

	for _, c := range onB {
		c.Close()
	}
	waitFor(t, func() bool { return b.hub.Count("lobby") == 0 })
	// Redis counts the unsubscription before it confirms it.
	waitFor(t, func() bool { return !b.broker.confirmedRoom("lobby") })
	if n := subscribers(); n != 1 {
		t.Errorf("%d subscribers to %s after b's members left, want 1", n, channel)
	}
}

// publishSeq numbers the messages of publishAs.
var publishSeq atomic.Uint64

// publishAs publishes text to the room "lobby" as node would, with a
// client of its own.
func publishAs(t testing.TB, addr, prefix, node, text string) {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	env := appendEnvelope(nil, envelope{node: node, epoch: 1, seq: publishSeq.Add(1), typ: ws.Text}, []byte(text))
	if err := rdb.Publish(context.Background(), prefix+"room:lobby", env).Err(); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds, failing t after the guard.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// confirmedRoom reports whether Redis confirmed room's subscription.
func (b *Broker) confirmedRoom(room string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.confirmed[room]
}

// TestForeignMessages publishes on a room's channel what no node wrote:
// malformed envelopes are counted and dropped, a message claiming to come
// from the node itself is skipped, and delivery goes on.
func TestForeignMessages(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	a, addrA := localNode(t, addr, "a", func(o *Options) { o.Prefix = prefix })
	conns := clients(t, addrA, "lobby", 1)
	syncNode(t, a, "lobby", 1)

	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	channel := prefix + "room:lobby"
	payloads := []string{
		"",                               // empty
		"hello",                          // not an envelope
		"\x01t\x01zhello",                // version 1, before sequence numbers
		"\x02x\x00\x01z" + ids + "hello", // unknown type
		"\x02t\x00\x00" + ids + "hello",  // empty node id
		"\x02t\x00\x09abc",               // node id longer than the message
		"\x02t\x00\x01a" + ids + "hello", // from node a itself: skipped, not malformed
	}
	for _, p := range payloads {
		if err := rdb.Publish(context.Background(), channel, p).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.Publish(context.Background(), channel, "\x02t\x00\x01z"+ids+"from z").Err(); err != nil {
		t.Fatal(err)
	}
	expect(t, conns, "from z")
	if st := a.broker.Stats(); st.Malformed != 6 || st.Delivered != 1 {
		t.Errorf("Stats = %+v, want 6 malformed, 1 delivered", st)
	}
}

func TestPresence(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	opts := func(o *Options) {
		o.Prefix = prefix
		o.PresenceInterval = 20 * time.Millisecond
	}
	a, addrA := localNode(t, addr, "a", opts)
	b, addrB := localNode(t, addr, "b", opts)
	clients(t, addrA, "lobby", 2)
	onB := clients(t, addrB, "lobby", 3)
	syncNode(t, a, "lobby", 2)
	syncNode(t, b, "lobby", 3)

	ctx := context.Background()
	nodes := func(n *node) map[string]int {
		t.Helper()
		m, err := n.broker.Nodes(ctx, "lobby")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Counts are refreshed every PresenceInterval.
	waitFor(t, func() bool { m := nodes(b); return m["a"] == 2 && m["b"] == 3 })
	if m := nodes(a); len(m) != 2 {
		t.Errorf("Nodes = %v, want a and b only", m)
	}
	if n, err := a.broker.Count(ctx, "lobby"); n != 5 || err != nil {
		t.Errorf("Count = %d, %v; want 5", n, err)
	}
	if n, err := a.broker.Count(ctx, "empty"); n != 0 || err != nil {
		t.Errorf("Count(empty) = %d, %v; want 0", n, err)
	}

	// A node whose members all left removes its record.
	for _, c := range onB {
		c.Close()
	}
	waitFor(t, func() bool { m := nodes(a); return len(m) == 1 && m["a"] == 2 })

	// A node that stopped without Close (a crash) leaves a record that
	// expires: readers ignore and delete it.
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	key := prefix + "presence:lobby"
	if err := rdb.HSet(ctx, key, "crashed", "7 1000", "garbage", "x").Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := b.broker.Count(ctx, "lobby"); n != 2 || err != nil {
		t.Errorf("Count = %d, %v with an expired record; want 2", n, err)
	}
	if fields, err := rdb.HKeys(ctx, key).Result(); err != nil || !slices.Equal(fields, []string{"a"}) {
		t.Errorf("presence fields = %v, %v; want [a] (expired and malformed ones deleted)", fields, err)
	}

	// Close removes the node's records at once.
	a.hub.Close()
	if err := a.broker.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := b.broker.Count(ctx, "lobby"); n != 0 || err != nil {
		t.Errorf("Count = %d, %v after a closed; want 0", n, err)
	}
}

func TestPresenceOff(t *testing.T) {
	b, err := New(Options{Client: goredis.NewClient(&goredis.Options{Addr: unusedAddr(t)})})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background())
	if _, err := b.Count(context.Background(), "lobby"); !errors.Is(err, ErrNoPresence) {
		t.Errorf("Count error = %v, want ErrNoPresence", err)
	}
	if _, err := b.Nodes(context.Background(), "lobby"); !errors.Is(err, ErrNoPresence) {
		t.Errorf("Nodes error = %v, want ErrNoPresence", err)
	}
}

func TestNew(t *testing.T) {
	rdb := goredis.NewClient(&goredis.Options{Addr: unusedAddr(t)})
	defer rdb.Close()
	tests := []struct {
		name string
		opts Options
		err  string
	}{
		{"no client", Options{}, "ws/redis: New: Options.Client is nil"},
		{"node id too long", Options{Client: rdb, NodeID: strings.Repeat("n", 256)}, "ws/redis: New: NodeID is 256 bytes, more than 255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(tt.opts)
			if b != nil || err == nil || err.Error() != tt.err {
				t.Errorf("New = %v, %v; want error %q", b, err, tt.err)
			}
		})
	}

	t.Run("defaults", func(t *testing.T) {
		t.Cleanup(checkLeaks(t))
		b1, err := New(Options{Client: rdb, NodeID: strings.Repeat("n", 255), Logger: discard})
		if err != nil {
			t.Fatal(err)
		}
		defer b1.Close(context.Background())
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(discard) // the default Logger, quiet while Redis is unreachable
		b2, _ := New(Options{Client: rdb})
		defer b2.Close(context.Background())
		b3, _ := New(Options{Client: rdb, Logger: discard})
		defer b3.Close(context.Background())
		if len(b2.NodeID()) != 32 || b2.NodeID() == b3.NodeID() {
			t.Errorf("default node ids %q and %q, want 32 random hex digits each", b2.NodeID(), b3.NodeID())
		}
		o := b2.opts
		if o.Prefix != "ws:" || o.PingInterval != 15*time.Second || o.MinBackoff != 100*time.Millisecond ||
			o.MaxBackoff != 5*time.Second || o.PresenceInterval != 5*time.Second || o.Logger != discard {
			t.Errorf("defaults = %+v", o)
		}
	})
}

// unusedAddr returns a loopback address where nothing listens.
func unusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestRedisDown needs no server: without Redis, Publish fails (and so the
// hub's Broadcast, after local delivery), Sync waits, and Close ends the
// retrying goroutines.
func TestRedisDown(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	rdb := goredis.NewClient(&goredis.Options{Addr: unusedAddr(t), MaxRetries: -1})
	defer rdb.Close()
	b, err := New(Options{Client: rdb, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	hub := &ws.Hub{Broker: b}
	m := newMember()
	if err := hub.Join("lobby", m); err != nil {
		t.Fatal(err)
	}
	// Broadcast does not wait for Redis: the publication fails on the
	// Broker's goroutine, and is counted.
	if err := hub.Broadcast(context.Background(), "lobby", ws.NewText("local only")); err != nil {
		t.Errorf("Broadcast = %v, want nil: the message is queued", err)
	}
	waitFor(t, func() bool { return b.Stats().PublishFailed == 1 })
	if got := m.texts(); !slices.Equal(got, []string{"local only"}) {
		t.Errorf("local member got %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.Sync(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sync = %v, want the context's deadline", err)
	}
	if st := b.Stats(); st.Connected || st.Published != 0 || st.Gaps != 0 {
		t.Errorf("Stats = %+v, want not connected, nothing published, no gap yet", st)
	}
	hub.Close()
	if err := b.Close(context.Background()); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := b.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v", err)
	}
	for name, err := range map[string]error{
		"Subscribe": b.Subscribe("x", func(*ws.Message) {}),
		"Publish":   b.Publish(context.Background(), "x", ws.NewText("")),
		"Sync":      b.Sync(context.Background()),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if err := b.Unsubscribe("x"); err != nil {
		t.Errorf("Unsubscribe after Close = %v", err)
	}
}

var discard = slog.New(slog.DiscardHandler)

// member is an in-memory ws.Member that records what it is sent.
type member struct {
	ctx  context.Context
	msgs chan *ws.Message
}

func newMember() *member {
	return &member{ctx: context.Background(), msgs: make(chan *ws.Message, 16)}
}

func (m *member) Send(msg *ws.Message) error {
	select {
	case m.msgs <- msg:
		return nil
	default:
		return ws.ErrQueueFull
	}
}
func (m *member) Close(int, string) error  { return nil }
func (m *member) Context() context.Context { return m.ctx }

// texts returns the messages received so far.
func (m *member) texts() []string {
	var out []string
	for {
		select {
		case msg := <-m.msgs:
			out = append(out, string(msg.Data()))
		default:
			return out
		}
	}
}

// TestDuplicatePublish publishes one broadcast twice, as a client
// retrying a PUBLISH that Redis ran after all does: the other node's
// members get it once, and the copy is counted.
func TestDuplicatePublish(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	addr := redisAddr(t)
	prefix := testPrefix(t)
	a, addrA := localNode(t, addr, "a", func(o *Options) { o.Prefix = prefix })
	conns := clients(t, addrA, "lobby", 1)
	syncNode(t, a, "lobby", 1)
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	defer rdb.Close()
	for _, m := range []struct {
		seq  uint64
		text string
	}{{1, "first"}, {1, "first"}, {2, "second"}, {1, "first"}} {
		env := appendEnvelope(nil, envelope{node: "z", epoch: 7, seq: m.seq, typ: ws.Text}, []byte(m.text))
		if err := rdb.Publish(context.Background(), prefix+"room:lobby", env).Err(); err != nil {
			t.Fatal(err)
		}
	}
	publishAs(t, addr, prefix, "y", "last")
	expect(t, conns, "first")
	expect(t, conns, "second")
	expect(t, conns, "last")
	if st := a.broker.Stats(); st.Duplicates != 2 || st.Delivered != 3 {
		t.Errorf("Stats = %+v, want 2 duplicates, 3 delivered", st)
	}
}
