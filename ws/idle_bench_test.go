package ws

import (
	"bufio"
	"context"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkIdleConn reports the memory an idle upgraded connection holds
// over 1,000 in-memory connections (heap-B/conn, stack-B/conn and their
// sum, B/conn); ns/op is the time to upgrade and tear down the 1,000. The
// in-memory hijacker allocates the 4 KiB read and write buffers that
// net/http's connection would lend: see BenchmarkIdleConnServer for what
// a real server holds.
func BenchmarkIdleConn(b *testing.B) {
	const n = 1000
	var heap, stack float64
	b.ReportAllocs()
	for b.Loop() {
		var hub Hub
		before := readMem()
		mc := newMemConns(b, &hub, n)
		after := readMem()
		heap = float64(after.HeapAlloc-before.HeapAlloc) / n
		stack = float64(after.StackInuse-before.StackInuse) / n
		mc.stop()
	}
	reportMem(b, heap, stack)
}

// BenchmarkIdleConnServer reports the memory an idle connection holds in
// a real server: 1,000 clients upgrade through net/http over loopback and
// stay idle; heap-B/conn and stack-B/conn are what the process holds per
// connection once they are all up, after a GC, net/http's share (its
// connection, request, buffers, goroutine) included. The clients are raw
// sockets that wrote their handshake by hand, so that their own share is
// only the socket's (about 0.3 KB of heap, from net's TCPConn).
//
// default is the endpoint without options; detach adds Detach, which
// frees net/http's share; detach-readbuf1k, what an application with many
// idle connections would use, also reads through a 1 KiB buffer instead
// of net/http's 4 KiB one.
func BenchmarkIdleConnServer(b *testing.B) {
	for _, v := range []struct {
		name string
		opts []Option
	}{
		{"default", nil},
		{"detach", []Option{Detach()}},
		{"detach-readbuf1k", []Option{Detach(), ReadBufferSize(1 << 10)}},
	} {
		b.Run(v.name, func(b *testing.B) { benchIdleServer(b, v.opts) })
	}
}

func benchIdleServer(b *testing.B, opts []Option) {
	const n = 1000
	var heap, stack float64
	for b.Loop() {
		var hub Hub
		joined := make(chan struct{}, n)
		base := runtime.NumGoroutine()
		srv := httptest.NewServer(Handler(func(ctx context.Context, c *Conn) error {
			if err := hub.Join("room", c); err != nil {
				return err
			}
			joined <- struct{}{}
			_, err := c.ReadBytes()
			return err
		}, opts...))
		before := readMem()
		conns := make([]net.Conn, 0, n)
		for range n {
			conns = append(conns, rawDial(b, srv.Listener.Addr().String()))
		}
		for range n {
			select {
			case <-joined:
			case <-time.After(guard):
				b.Fatal("connections did not join")
			}
		}
		after := readMem()
		heap = float64(after.HeapAlloc-before.HeapAlloc) / n
		stack = float64(after.StackInuse-before.StackInuse) / n
		hub.Close()
		for _, c := range conns {
			c.Close()
		}
		srv.Close()
		settle(b, base)
	}
	reportMem(b, heap, stack)
}

func reportMem(b *testing.B, heap, stack float64) {
	b.ReportMetric(heap, "heap-B/conn")
	b.ReportMetric(stack, "stack-B/conn")
	b.ReportMetric(heap+stack, "B/conn")
}

// rawDial opens a WebSocket connection with a hand-written handshake and
// reads the 101 answer with a small buffer, which it drops.
func rawDial(b testing.TB, addr string) net.Conn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReaderSize(c, 256)
	status, err := br.ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		b.Fatalf("handshake: %q, %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
	}
	return c
}

// readMem returns the memory statistics after two collections: the first
// frees what sync.Pools held, the second their victims.
func readMem() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	return s
}

// settle waits until no more than base goroutines run: the connections of
// an iteration are gone before the next one measures, as http.Server.Close
// does not wait for upgraded connections.
func settle(b *testing.B, base int) {
	deadline := time.Now().Add(guard)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			b.Fatalf("%d goroutines still running, want %d", runtime.NumGoroutine(), base)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
