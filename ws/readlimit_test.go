package ws

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// countingConn counts the bytes a client writes on the wire.
type countingConn struct {
	net.Conn
	written *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// TestReadLimitCompressed sends compressed messages: the limit applies to
// the inflated message, so a small frame that inflates past it closes the
// connection with 1009 before the handler sees it.
func TestReadLimitCompressed(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	random := make([]byte, DefaultReadLimit)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name    string
		limit   int64
		msg     string
		maxWire int64 // upper bound of the bytes on the wire, to prove the message was compressed; 0: no check
		want    int   // 0: echoed
	}{
		{"under the limit", 0, strings.Repeat("compressible ", 1000), 1 << 10, 0},
		{"at the limit, incompressible", 0, string(random), 0, 0},
		{"over the limit, 1 MiB of one letter", 0, strings.Repeat("a", 1<<20), 8 << 10, 1009},
		{"just over the limit", 0, strings.Repeat("a", DefaultReadLimit+1), 1 << 10, 1009},
		{"custom limit, over", 16, strings.Repeat("a", 17), 64, 1009},
		{"custom limit, at it", 16, strings.Repeat("a", 16), 64, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := newLogger()
			var largest atomic.Int64 // the largest message the handler saw
			fn, done := ended(func(ctx context.Context, c *Conn) error {
				for {
					typ, b, err := c.Read()
					if err != nil {
						return err
					}
					largest.Store(max(largest.Load(), int64(len(b))))
					if err := c.Send(&Message{typ: typ, data: b}); err != nil {
						return err
					}
				}
			})
			h, served := servedSignal(Handler(fn, ReadLimit(tt.limit), EnableCompression(), Logger(log)))
			var wire atomic.Int64
			d := websocket.Dialer{
				EnableCompression: true,
				NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
					return countingConn{nc, &wire}, err
				},
			}
			c, resp, err := d.Dial(serve(t, h), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if ext := resp.Header.Get("Sec-WebSocket-Extensions"); !strings.HasPrefix(ext, "permessage-deflate") {
				t.Fatalf("compression not negotiated: %q", ext)
			}
			handshake := wire.Load()
			write(t, c, websocket.TextMessage, tt.msg)
			if sent := wire.Load() - handshake; tt.maxWire > 0 && sent > tt.maxWire {
				t.Fatalf("%d bytes went on the wire, want at most %d: not compressed", sent, tt.maxWire)
			}
			if tt.want == 0 {
				if _, got := readMsg(t, c); got != tt.msg {
					t.Errorf("echo of %d bytes came back with %d", len(tt.msg), len(got))
				}
				c.Close()
				wait(t, served)
				return
			}
			if ce := readClose(t, c); ce.Code != tt.want {
				t.Errorf("close = %d, want %d", ce.Code, tt.want)
			}
			if err := wait(t, done); !errors.Is(err, websocket.ErrReadLimit) {
				t.Errorf("handler's read error = %v, want ErrReadLimit", err)
			}
			if n := largest.Load(); n != 0 {
				t.Errorf("the handler saw a message of %d bytes", n)
			}
			c.Close()
			wait(t, served)
			if logs.String() != "" {
				t.Errorf("an oversized message was logged: %s", logs)
			}
		})
	}
}

// endless yields 'a' forever and counts what it gave.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestReadLimitedStops checks that an oversized message is read no further
// than limit+1 bytes, so that memory stays bounded whatever it inflates to.
func TestReadLimitedStops(t *testing.T) {
	for _, limit := range []int64{1, 511, 512, 513, 1000, DefaultReadLimit} {
		r := &endless{}
		b, err := readLimited(r, limit)
		if !errors.Is(err, websocket.ErrReadLimit) || b != nil {
			t.Errorf("limit %d: got %d bytes, %v; want ErrReadLimit", limit, len(b), err)
		}
		if r.read != limit+1 {
			t.Errorf("limit %d: read %d bytes of an endless message, want %d", limit, r.read, limit+1)
		}
	}
}

func TestReadLimited(t *testing.T) {
	broken := errors.New("broken")
	tests := []struct {
		name  string
		r     io.Reader
		limit int64
		want  string
		err   error
	}{
		{"empty", strings.NewReader(""), 4, "", nil},
		{"under", strings.NewReader("abc"), 4, "abc", nil},
		{"at", strings.NewReader("abcd"), 4, "abcd", nil},
		{"over", strings.NewReader("abcde"), 4, "", websocket.ErrReadLimit},
		{"at, data with EOF", iotest.DataErrReader(strings.NewReader("abcd")), 4, "abcd", nil},
		{"over, data with EOF", iotest.DataErrReader(strings.NewReader("abcde")), 4, "", websocket.ErrReadLimit},
		{"at, one byte at a time", iotest.OneByteReader(strings.NewReader(strings.Repeat("x", 2000))), 2000, strings.Repeat("x", 2000), nil},
		{"over, one byte at a time", iotest.OneByteReader(strings.NewReader(strings.Repeat("x", 2001))), 2000, "", websocket.ErrReadLimit},
		{"no limit", strings.NewReader(strings.Repeat("x", 5000)), -1, strings.Repeat("x", 5000), nil},
		{"read error", io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(broken)), 4, "", broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readLimited(tt.r, tt.limit)
			if string(b) != tt.want || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Errorf("readLimited = %.20q, %v; want %.20q, %v", b, err, tt.want, tt.err)
			}
		})
	}
}
