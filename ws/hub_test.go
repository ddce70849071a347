package ws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// joiner is a hub endpoint: it joins room, signals it, and reads until the
// client goes.
func joiner(h *Hub, room string, joined chan<- struct{}) Func {
	return func(ctx context.Context, c *Conn) error {
		if err := h.Join(room, c); err != nil {
			return err
		}
		joined <- struct{}{}
		for {
			if _, _, err := c.Read(); err != nil {
				return err
			}
		}
	}
}

func dialN(t *testing.T, url string, n int, joined chan struct{}) []*websocket.Conn {
	t.Helper()
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		conns[i] = dial(t, url, nil)
		wait(t, joined)
	}
	return conns
}

func TestHubBroadcast100(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	joined := make(chan struct{}, 100)
	url := serve(t, Handler(joiner(&hub, "lobby", joined)))
	conns := dialN(t, url, 100, joined)
	other := dial(t, serve(t, Handler(joiner(&hub, "other", joined))), nil)
	wait(t, joined)
	if n := hub.Count("lobby"); n != 100 {
		t.Fatalf("Count(lobby) = %d, want 100", n)
	}
	for i := range 3 {
		msg := fmt.Sprintf("news %d", i)
		if err := hub.Broadcast(context.Background(), "lobby", NewText(msg)); err != nil {
			t.Fatal(err)
		}
		for j, c := range conns {
			if _, got := readMsg(t, c); got != msg {
				t.Fatalf("client %d got %q, want %q", j, got, msg)
			}
		}
	}
	hub.Broadcast(context.Background(), "other", NewBinary([]byte("only other")))
	if typ, got := readMsg(t, other); typ != websocket.BinaryMessage || got != "only other" {
		t.Errorf("other room got %d %q", typ, got)
	}
	for _, c := range append(conns, other) {
		c.Close()
	}
	waitCount(t, &hub, "lobby", 0)
	waitCount(t, &hub, "other", 0)
	if rooms := hub.Rooms(); len(rooms) != 0 {
		t.Errorf("Rooms = %v after everyone left", rooms)
	}
}

// TestHubConnRooms follows a connection in two rooms (joined one of them
// twice): it leaves one by Leave, the other when it ends, and the hub
// then forgets both rooms.
func TestHubConnRooms(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	joined := make(chan struct{}, 1)
	url := serve(t, Handler(func(ctx context.Context, c *Conn) error {
		for _, room := range []string{"a", "b", "a"} {
			if err := hub.Join(room, c); err != nil {
				return err
			}
		}
		joined <- struct{}{}
		_, err := c.ReadBytes()
		return err
	}))
	client := dial(t, url, nil)
	wait(t, joined)
	if got := strings.Join(hub.Rooms(), ","); got != "a,b" || hub.Count("a") != 1 || hub.Count("b") != 1 {
		t.Fatalf("Rooms = %q, Count(a) = %d, Count(b) = %d; want a,b, 1, 1", got, hub.Count("a"), hub.Count("b"))
	}
	hub.Leave("a", hub.Members("a")[0])
	if got := strings.Join(hub.Rooms(), ","); got != "b" {
		t.Fatalf("Rooms after Leave(a) = %q, want b", got)
	}
	hub.Broadcast(context.Background(), "b", NewText("still in b"))
	if _, got := readMsg(t, client); got != "still in b" {
		t.Fatalf("client got %q", got)
	}
	client.Close()
	waitCount(t, &hub, "b", 0)
	if rooms := hub.Rooms(); len(rooms) != 0 {
		t.Errorf("Rooms = %v after the connection ended", rooms)
	}
}

// waitCount waits until room has n members: members leave asynchronously
// when their connection ends.
func waitCount(t *testing.T, h *Hub, room string, n int) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for h.Count(room) != n {
		if time.Now().After(deadline) {
			t.Fatalf("Count(%s) = %d, want %d", room, h.Count(room), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHubSlowConsumer(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	joined := make(chan struct{}, 10)
	url := serve(t, Handler(joiner(&hub, "feed", joined), SendQueue(2), ReadLimit(-1)))
	fast := dialN(t, url, 3, joined)
	slow := dial(t, url, nil) // never reads until it is dropped
	wait(t, joined)

	// Broadcast big messages one at a time, each read by the fast clients
	// before the next, until the slow client's socket buffers and queue are
	// full and the hub drops it.
	payload := strings.Repeat("x", 256<<10)
	var sent int
	for sent = 0; hub.Count("feed") == 4; sent++ {
		if sent == 2000 {
			t.Fatal("the slow consumer was never dropped")
		}
		if err := hub.Broadcast(context.Background(), "feed", NewText(payload)); err != nil {
			t.Fatal(err)
		}
		for i, c := range fast {
			if _, got := readMsg(t, c); got != payload {
				t.Fatalf("fast client %d: message %d is wrong", i, sent)
			}
		}
	}
	if n := hub.Count("feed"); n != 3 {
		t.Fatalf("Count = %d after dropping the slow consumer, want 3", n)
	}
	// The others keep receiving.
	hub.Broadcast(context.Background(), "feed", NewText("after"))
	for i, c := range fast {
		if _, got := readMsg(t, c); got != "after" {
			t.Errorf("fast client %d got %.20q, want after", i, got)
		}
	}
	// The slow client gets what was queued, then 1013.
	if ce := readClose(t, slow); ce.Code != CloseTryAgainLater || ce.Text != "slow consumer" {
		t.Errorf("slow client closed with %d %q, want 1013 slow consumer", ce.Code, ce.Text)
	}
	for _, c := range append(fast, slow) {
		c.Close()
	}
}

func TestHubClose(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	joined := make(chan struct{}, 20)
	fn, done := ended(joiner(&hub, "a", joined))
	url := serve(t, Handler(fn))
	conns := dialN(t, url, 10, joined)
	conns = append(conns, dial(t, serve(t, Handler(joiner(&hub, "b", joined))), nil))
	wait(t, joined)
	if err := hub.Close(); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		if ce := readClose(t, c); ce.Code != CloseGoingAway {
			t.Errorf("client %d closed with %d, want 1001", i, ce.Code)
		}
		c.Close()
	}
	for range 10 {
		if err := wait(t, done); !errors.Is(err, ErrClosed) {
			t.Errorf("handler returned %v", err)
		}
	}
	if err := hub.Broadcast(context.Background(), "a", NewText("x")); !errors.Is(err, ErrHubClosed) {
		t.Errorf("Broadcast after Close = %v", err)
	}
	if len(hub.Rooms()) != 0 || hub.Count("a") != 0 {
		t.Errorf("rooms after Close: %v", hub.Rooms())
	}
	if err := hub.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// fakeMember is an in-memory Member.
type fakeMember struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc
	full   bool

	mu     sync.Mutex
	got    []string
	closed []string
}

func newFake(name string) *fakeMember {
	ctx, cancel := context.WithCancel(context.Background())
	return &fakeMember{name: name, ctx: ctx, cancel: cancel}
}

func (f *fakeMember) Send(m *Message) error {
	if f.full {
		return ErrQueueFull
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, string(m.Data()))
	return nil
}

func (f *fakeMember) Close(code int, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = append(f.closed, fmt.Sprint(code, " ", reason))
	return nil
}

func (f *fakeMember) Context() context.Context { return f.ctx }

func (f *fakeMember) received() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.got, ",")
}

func (f *fakeMember) closes() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.closed, ",")
}

func TestHubPresence(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	var hub Hub
	a, b, c := newFake("a"), newFake("b"), newFake("c")
	for _, j := range []struct {
		room string
		m    *fakeMember
	}{{"x", a}, {"x", b}, {"y", b}, {"y", c}, {"x", a}} {
		if err := hub.Join(j.room, j.m); err != nil {
			t.Fatal(err)
		}
	}
	names := func(room string) string {
		var out []string
		for _, m := range hub.Members(room) {
			out = append(out, m.(*fakeMember).name)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	check := func(step, wantRooms, wantX, wantY string) {
		t.Helper()
		if got := strings.Join(hub.Rooms(), ","); got != wantRooms {
			t.Errorf("%s: Rooms = %q, want %q", step, got, wantRooms)
		}
		if got := names("x"); got != wantX || hub.Count("x") != len(hub.Members("x")) {
			t.Errorf("%s: Members(x) = %q (Count %d), want %q", step, got, hub.Count("x"), wantX)
		}
		if got := names("y"); got != wantY {
			t.Errorf("%s: Members(y) = %q, want %q", step, got, wantY)
		}
	}
	check("joined", "x,y", "a,b", "b,c")
	hub.Leave("x", b)
	hub.Leave("x", c) // not a member: no effect
	check("b left x", "x,y", "a", "b,c")
	c.cancel() // c's connection ends
	deadline := time.Now().Add(guard)
	for hub.Count("y") != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	check("c gone", "x,y", "a", "b")
	hub.LeaveAll(b)
	check("b left all", "x", "a", "")
	if err := hub.Join("z", c); !errors.Is(err, ErrClosed) {
		t.Errorf("Join of an ended member = %v, want ErrClosed", err)
	}
	hub.Broadcast(context.Background(), "x", NewText("m1"))
	if a.received() != "m1" || b.received() != "" {
		t.Errorf("received a=%q b=%q", a.received(), b.received())
	}
	hub.Close()
	if got := a.closes(); got != "1001 server shutting down" {
		t.Errorf("a closed with %q", got)
	}
	if err := hub.Join("x", a); !errors.Is(err, ErrHubClosed) {
		t.Errorf("Join after Close = %v, want ErrHubClosed", err)
	}
	a.cancel()
	b.cancel()
}

func TestHubDropsFullMember(t *testing.T) {
	var hub Hub
	ok, full := newFake("ok"), newFake("full")
	full.full = true
	hub.Join("r", ok)
	hub.Join("r", full)
	hub.Join("s", full)
	hub.Broadcast(context.Background(), "r", NewText("m"))
	if ok.received() != "m" || full.closes() != "1013 slow consumer" {
		t.Errorf("ok received %q; full closed with %q", ok.received(), full.closes())
	}
	if hub.Count("r") != 1 || hub.Count("s") != 0 {
		t.Errorf("the full member is still in a room: r=%d s=%d", hub.Count("r"), hub.Count("s"))
	}
}

// recordingBroker wraps a bus node and records the hub's calls.
type recordingBroker struct {
	Broker
	mu      sync.Mutex
	calls   []string
	failSub error
	failPub error
}

func (r *recordingBroker) record(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *recordingBroker) Subscribe(room string, deliver func(*Message)) error {
	r.record("sub " + room)
	if r.failSub != nil {
		return r.failSub
	}
	return r.Broker.Subscribe(room, deliver)
}

func (r *recordingBroker) Unsubscribe(room string) error {
	r.record("unsub " + room)
	return r.Broker.Unsubscribe(room)
}

func (r *recordingBroker) Publish(ctx context.Context, room string, msg *Message) error {
	r.record("pub " + room)
	if r.failPub != nil {
		return r.failPub
	}
	return r.Broker.Publish(ctx, room, msg)
}

func (r *recordingBroker) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.calls, "; ")
}

func TestHubBroker(t *testing.T) {
	bus := NewMemoryBus()
	ra, rb := &recordingBroker{Broker: bus.Node()}, &recordingBroker{Broker: bus.Node()}
	na, nb := &Hub{Broker: ra}, &Hub{Broker: rb}
	a1, a2, b1, b2 := newFake("a1"), newFake("a2"), newFake("b1"), newFake("b2")
	na.Join("room", a1)
	na.Join("room", a2)
	nb.Join("room", b1)
	nb.Join("elsewhere", b2)

	if err := na.Broadcast(context.Background(), "room", NewText("from a")); err != nil {
		t.Fatal(err)
	}
	nb.Broadcast(context.Background(), "room", NewText("from b"))
	for _, m := range []*fakeMember{a1, a2, b1} {
		if got := m.received(); got != "from a,from b" {
			t.Errorf("%s received %q, want each message once", m.name, got)
		}
	}
	if got := b2.received(); got != "" {
		t.Errorf("b2 (another room) received %q", got)
	}

	na.Leave("room", a1)
	na.Leave("room", a2)
	nb.Broadcast(context.Background(), "room", NewText("after a left"))
	if got := ra.log(); got != "sub room; pub room; unsub room" {
		t.Errorf("node a's broker calls: %q, want one subscription per room, released with the last member", got)
	}
	if got := a1.received(); got != "from a,from b" {
		t.Errorf("a1 received %q after leaving", got)
	}

	pubErr := errors.New("redis down")
	rb.failPub = pubErr
	err := nb.Broadcast(context.Background(), "room", NewText("local only"))
	if !errors.Is(err, pubErr) {
		t.Errorf("Broadcast with a failing broker = %v", err)
	}
	if got := b1.received(); !strings.HasSuffix(got, ",local only") {
		t.Errorf("local member missed the message when publishing failed: %q", got)
	}

	ra.failSub = errors.New("no subscription")
	if err := na.Join("new", a1); !errors.Is(err, ra.failSub) || na.Count("new") != 0 {
		t.Errorf("Join with a failing Subscribe = %v, Count %d", err, na.Count("new"))
	}

	nb.Close()
	if got := rb.log(); !strings.Contains(got, "unsub room") || !strings.Contains(got, "unsub elsewhere") {
		t.Errorf("Close did not unsubscribe: %q", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := bus.Node().Publish(ctx, "room", NewText("")); !errors.Is(err, context.Canceled) {
		t.Errorf("Publish with a cancelled context = %v", err)
	}
	for _, m := range []*fakeMember{a1, a2, b1, b2} {
		m.cancel()
	}
}
