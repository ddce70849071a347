package ws

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// countMember is the cheapest Member: it counts what it is sent.
type countMember struct{ n int }

func (m *countMember) Send(*Message) error      { m.n++; return nil }
func (m *countMember) Close(int, string) error  { return nil }
func (m *countMember) Context() context.Context { return context.Background() }

// BenchmarkHubBroadcast measures the hub's fan-out of a 128-byte message to
// 10,000 members, encoding included; ns/conn is the cost per member.
func BenchmarkHubBroadcast(b *testing.B) {
	const members = 10000
	var hub Hub
	ms := make([]*countMember, members)
	for i := range ms {
		ms[i] = &countMember{}
		hub.Join("room", ms[i])
	}
	payload := strings.Repeat("b", 128)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		hub.Broadcast(ctx, "room", NewText(payload))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*members), "ns/conn")
	if ms[0].n == 0 {
		b.Fatal("nothing delivered")
	}
}

// sinkConn is an in-memory net.Conn: reads block until Close, writes are
// counted and discarded.
type sinkConn struct {
	closed  chan struct{}
	once    sync.Once
	written *atomic.Int64
	target  *atomic.Int64
	reached chan struct{}
}

func (c *sinkConn) Read([]byte) (int, error) {
	<-c.closed
	return 0, net.ErrClosed
}

func (c *sinkConn) Write(p []byte) (int, error) {
	if n := c.written.Add(int64(len(p))); n == c.target.Load() {
		c.reached <- struct{}{}
	}
	return len(p), nil
}

func (c *sinkConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *sinkConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *sinkConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *sinkConn) SetDeadline(time.Time) error      { return nil }
func (c *sinkConn) SetReadDeadline(time.Time) error  { return nil }
func (c *sinkConn) SetWriteDeadline(time.Time) error { return nil }

// hijackWriter hands sinkConn to the upgrader with buffers sized like
// net/http's.
type hijackWriter struct {
	header http.Header
	conn   net.Conn
}

func (w *hijackWriter) Header() http.Header         { return w.header }
func (w *hijackWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *hijackWriter) WriteHeader(int)             {}
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, bufio.NewReadWriter(bufio.NewReaderSize(w.conn, 4<<10), bufio.NewWriterSize(w.conn, 4<<10)), nil
}

// memConns upgrades n in-memory connections that join hub's "room" and
// stay idle; stop closes them and waits for their handlers to return.
type memConns struct {
	conns   []*sinkConn
	served  sync.WaitGroup
	written atomic.Int64
	target  atomic.Int64
	reached chan struct{}
}

func newMemConns(b testing.TB, hub *Hub, n int) *memConns {
	mc := &memConns{reached: make(chan struct{}, 1)}
	mc.target.Store(-1)
	joined := make(chan struct{}, n)
	h := Handler(func(ctx context.Context, c *Conn) error {
		if err := hub.Join("room", c); err != nil {
			return err
		}
		joined <- struct{}{}
		<-ctx.Done()
		return nil
	}, PingInterval(-1), SendQueue(16))
	for range n {
		sc := &sinkConn{closed: make(chan struct{}), written: &mc.written, target: &mc.target, reached: mc.reached}
		mc.conns = append(mc.conns, sc)
		r := httptest.NewRequest("GET", "/ws", nil)
		r.Header.Set("Connection", "Upgrade")
		r.Header.Set("Upgrade", "websocket")
		r.Header.Set("Sec-WebSocket-Version", "13")
		r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		mc.served.Add(1)
		go func() {
			defer mc.served.Done()
			h.ServeHTTP(&hijackWriter{header: http.Header{}, conn: sc}, r)
		}()
	}
	for range n {
		select {
		case <-joined:
		case <-time.After(guard):
			b.Fatal("connections did not join")
		}
	}
	return mc
}

func (mc *memConns) stop() {
	for _, c := range mc.conns {
		c.Close()
	}
	mc.served.Wait()
}

// BenchmarkHubBroadcastConns measures a 128-byte broadcast delivered to
// real *Conn values over in-memory network connections: queueing, the
// writer goroutines and the frame writes, until every connection has
// written the message.
func BenchmarkHubBroadcastConns(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var hub Hub
			mc := newMemConns(b, &hub, n)
			defer mc.stop()
			runtime.GC() // no collection of the set-up's garbage in the loop: callgrind's counts at 5 and 15 iterations cancel
			payload := strings.Repeat("b", 128)
			frame := int64(2 + 2 + 128) // header with a 16-bit length, payload
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				mc.target.Store(mc.written.Load() + frame*int64(n))
				hub.Broadcast(ctx, "room", NewText(payload))
				select {
				case <-mc.reached:
				case <-time.After(guard):
					b.Fatalf("broadcast not delivered: %d members left", hub.Count("room"))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conn")
		})
	}
}

// BenchmarkEcho measures a round trip over loopback TCP: the client sends a
// 128-byte text message and reads the echo; detach is the same with the
// Detach option, whose reader waits for the socket and reads each message
// on a new goroutine.
func BenchmarkEcho(b *testing.B) {
	b.Run("default", func(b *testing.B) { benchEcho(b) })
	b.Run("detach", func(b *testing.B) { benchEcho(b, Detach()) })
}

func benchEcho(b *testing.B, opts ...Option) {
	srv := httptest.NewServer(Handler(echo, opts...))
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := []byte(strings.Repeat("e", 128))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}
