package ws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

func TestSendQueue(t *testing.T) {
	chat := func(s string) *Message { return NewText(s) }
	presence := func(s string) *Message { return NewText(s).Droppable() }
	tests := []struct {
		name       string
		queued     []*Message // pushed first, all fit
		push       *Message
		dropOldest bool
		wantErr    error
		evicted    int
		want       string // the queue afterwards, oldest first
	}{
		{"room left", []*Message{chat("a")}, chat("b"), false, nil, 0, "a,b"},
		{"full: chat refused", []*Message{chat("a"), chat("b"), chat("c")}, chat("d"), false, ErrQueueFull, 0, "a,b,c"},
		{"full: presence refused", []*Message{chat("a"), presence("p"), chat("c")}, presence("q"), false, ErrQueueFull, 0, "a,p,c"},
		{"full: chat replaces the oldest presence", []*Message{chat("a"), presence("p"), presence("q")}, chat("d"), false, nil, 1, "a,q,d"},
		{"full: drop oldest", []*Message{chat("a"), chat("b"), chat("c")}, chat("d"), true, nil, 1, "b,c,d"},
		{"full: presence first even with drop oldest", []*Message{chat("a"), chat("b"), presence("p")}, chat("d"), true, nil, 1, "a,b,d"},
		{"full: presence refused with drop oldest", []*Message{chat("a"), chat("b"), chat("c")}, presence("p"), true, ErrQueueFull, 0, "a,b,c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &sendQueue{limit: 3}
			for _, m := range tt.queued {
				if _, err := q.push(m, false); err != nil {
					t.Fatal(err)
				}
			}
			evicted, err := q.push(tt.push, tt.dropOldest)
			if !errors.Is(err, tt.wantErr) || evicted != tt.evicted {
				t.Errorf("push = %d, %v; want %d, %v", evicted, err, tt.evicted, tt.wantErr)
			}
			var got []string
			for m := q.pop(); m != nil; m = q.pop() {
				got = append(got, string(m.Data()))
			}
			if s := strings.Join(got, ","); s != tt.want {
				t.Errorf("queue = %q, want %q", s, tt.want)
			}
			if q.droppable != 0 {
				t.Errorf("droppable count = %d once empty", q.droppable)
			}
		})
	}
}

// TestSendQueueReuse interleaves pushes and pops, so that the waiting
// messages do not start the queue's slice, and checks the order, the
// eviction of a droppable message among them, and that one message at a
// time allocates nothing once the queue has been used.
func TestSendQueueReuse(t *testing.T) {
	chat := func(s string) *Message { return NewText(s) }
	q := &sendQueue{limit: 3}
	pop := func() string {
		if m := q.pop(); m != nil {
			return string(m.Data())
		}
		return "<nil>"
	}
	for _, m := range []*Message{chat("a"), chat("b")} {
		q.push(m, false)
	}
	if got := pop(); got != "a" {
		t.Fatalf("pop = %s, want a", got)
	}
	q.push(chat("p").Droppable(), false)
	q.push(chat("c"), false)
	if evicted, err := q.push(chat("d"), false); evicted != 1 || err != nil {
		t.Fatalf("push to a full queue = %d, %v; want 1, nil", evicted, err)
	}
	if _, err := q.push(chat("e"), false); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("push = %v, want ErrQueueFull", err)
	}
	var got []string
	for q.len() > 0 {
		got = append(got, pop())
	}
	if s := strings.Join(got, ","); s != "b,c,d" || pop() != "<nil>" || q.droppable != 0 {
		t.Errorf("queue = %q then %d droppable, want b,c,d and 0", s, q.droppable)
	}
	m := chat("x")
	if n := testing.AllocsPerRun(100, func() { q.push(m, false); q.pop() }); n != 0 {
		t.Errorf("push and pop of one message: %v allocations, want 0", n)
	}
}

func TestHubFullPolicy(t *testing.T) {
	tests := []struct {
		name         string
		policy       FullPolicy
		msg          *Message
		stats        HubStats
		disconnected bool
	}{
		{"presence is dropped", Disconnect, NewText("x joined").Droppable(), HubStats{Queued: 1, Dropped: 1}, false},
		{"chat disconnects", Disconnect, NewText("hello"), HubStats{Queued: 1, Disconnected: 1}, true},
		{"chat is dropped with DropOldest", DropOldest, NewText("hello"), HubStats{Queued: 1, Dropped: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := newLogger()
			hub := &Hub{OnFull: tt.policy, Logger: logger}
			ok, full := newFake("ok"), newFake("full")
			full.full = true
			hub.Join("r", ok)
			hub.Join("r", full)
			hub.Broadcast(context.Background(), "r", tt.msg)
			if got := hub.Stats(); got != tt.stats {
				t.Errorf("Stats = %+v, want %+v", got, tt.stats)
			}
			if closed := full.closes() == "1013 slow consumer"; closed != tt.disconnected || hub.Count("r") != 2-btoi(closed) {
				t.Errorf("full member closed with %q, %d members left", full.closes(), hub.Count("r"))
			}
			want := fmt.Sprintf("dropped=%d disconnected=%d policy=%s", tt.stats.Dropped, tt.stats.Disconnected, tt.policy)
			if !strings.Contains(logs.String(), "members could not keep up") || !strings.Contains(logs.String(), want) {
				t.Errorf("log = %q, want a warning with %q", logs, want)
			}
			if ok.received() != string(tt.msg.Data()) {
				t.Errorf("ok member received %q", ok.received())
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// chatter is a chat endpoint like the showcase's: join, announce it to
// the room (droppable), broadcast every message read (in order), announce
// the leave. ?stuck shrinks the server's socket buffer so that a client
// that does not read is stuck after a few messages.
func chatter(hub *Hub) Func {
	return func(ctx context.Context, c *Conn) error {
		if c.Request().URL.Query().Has("stuck") {
			c.ws.NetConn().(*net.TCPConn).SetWriteBuffer(4096)
		}
		if err := hub.Join("lobby", c); err != nil {
			return err
		}
		hub.Broadcast(ctx, "lobby", NewText("someone joined").Droppable())
		defer hub.Broadcast(context.WithoutCancel(ctx), "lobby", NewText("someone left").Droppable())
		for {
			text, err := c.ReadText()
			if err != nil {
				return err
			}
			hub.Broadcast(ctx, "lobby", NewText(text))
		}
	}
}

// TestHubChurn runs a chat through a few hundred joins and leaves per
// second, each announced to the whole room: readers that keep up get
// every chat message, in order, and are never dropped, while a client
// that stops reading is disconnected, and counted.
func TestHubChurn(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	const (
		senders   = 2
		readers   = 5
		perSender = 30
		churnFor  = 1500 * time.Millisecond
		burst     = 50 // connections every 200ms, each a join and a leave
	)
	logger, _ := newLogger()
	hub := &Hub{Logger: logger}
	defer hub.Close()
	url := serve(t, Handler(chatter(hub)))

	small := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	stuck, _, err := small.Dial(url+"?stuck", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	var fast []*websocket.Conn
	for range senders + readers {
		fast = append(fast, dial(t, url, nil))
	}
	waitCount(t, hub, "lobby", 1+senders+readers)

	// Every fast client reads until it has every chat message.
	errs := make(chan error, len(fast))
	var wg sync.WaitGroup
	for _, c := range fast {
		wg.Go(func() { errs <- readChat(c, senders, perSender) })
	}
	// The senders send perSender padded messages each while others churn.
	pad := strings.Repeat(".", 8<<10)
	for s := range senders {
		wg.Go(func() {
			for n := range perSender {
				fast[s].WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "%d %d %s", s, n, pad))
				time.Sleep(churnFor / perSender)
			}
		})
	}
	// Churn comes in bursts, as after a network blip: every 200ms, burst
	// clients connect at once and leave at once.
	start := time.Now()
	var cycles sync.WaitGroup
	churned := 0
	for tick := time.NewTicker(200 * time.Millisecond); time.Since(start) < churnFor; <-tick.C {
		for range burst {
			churned++
			cycles.Go(func() {
				c, _, err := websocket.DefaultDialer.Dial(url, nil)
				if err != nil {
					return
				}
				c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseNormal, ""), time.Now().Add(time.Second))
				c.Close()
			})
		}
	}
	cycles.Wait()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// The stuck client was disconnected while the chat went on (reading
	// what the server still sends it through its small buffers would take
	// seconds), and it was the only one: the churners left by themselves.
	waitCount(t, hub, "lobby", senders+readers)
	st := hub.Stats()
	t.Logf("%d churn connections in %v, stats %+v", churned, time.Since(start).Round(time.Millisecond), st)
	if st.Disconnected != 1 {
		t.Errorf("Stats.Disconnected = %d, want 1 (the stuck client only)", st.Disconnected)
	}
	if st.Dropped == 0 {
		t.Error("Stats.Dropped = 0: no announcement was ever dropped, the churn did not overflow a queue")
	}
}

// readChat reads c until it has perSender chat messages of every sender,
// and fails when one comes out of order or the connection ends.
func readChat(c *websocket.Conn, senders, perSender int) error {
	next := make([]int, senders)
	for got := 0; got < senders*perSender; {
		c.SetReadDeadline(time.Now().Add(guard))
		_, b, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("reader dropped after %d chat messages: %w", got, err)
		}
		var s, n int
		if _, err := fmt.Sscanf(string(b), "%d %d", &s, &n); err != nil {
			continue // presence
		}
		if n != next[s] {
			return fmt.Errorf("message %d of sender %d arrived after %d", n, s, next[s]-1)
		}
		next[s]++
		got++
	}
	return nil
}
