package ws

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
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
// stay idle; heap-B/conn and stack-B/conn are what the server holds per
// connection once they are all up, after a GC, net/http's share (its
// connection, request, buffers, goroutine) included. The clients run in a
// child process (the test binary again, see TestIdleClients), so that
// their sockets are not counted; the inproc variants keep them in the
// benchmark's process, as the figures before child clients did (about
// 0.3 KB more per connection, net's TCPConn of each client).
//
// default is the endpoint without options; detach adds Detach, which
// frees net/http's share; detach-readbuf1k, what an application with many
// idle connections would use, also reads through a 1 KiB buffer instead
// of net/http's 4 KiB one. The -msg and -ping variants show what an idle
// connection holds after some traffic: each client sends one text message
// (which the function reads), or one ping (which the server answers),
// then goes idle.
func BenchmarkIdleConnServer(b *testing.B) {
	detach1k := []Option{Detach(), ReadBufferSize(1 << 10)}
	for _, v := range []struct {
		name   string
		opts   []Option
		send   string // what each client sends after the upgrade: "", "msg" or "ping"
		inproc bool
	}{
		{"default", nil, "", false},
		{"detach", []Option{Detach()}, "", false},
		{"detach-readbuf1k", detach1k, "", false},
		{"detach-readbuf1k-msg", detach1k, "msg", false},
		{"detach-readbuf1k-ping", detach1k, "ping", false},
		{"inproc/default", nil, "", true},
		{"inproc/detach", []Option{Detach()}, "", true},
		{"inproc/detach-readbuf1k", detach1k, "", true},
	} {
		b.Run(v.name, func(b *testing.B) { benchIdleServer(b, v.opts, v.send, v.inproc) })
	}
}

func benchIdleServer(b *testing.B, opts []Option, send string, inproc bool) {
	const n = 1000
	var heap, stack float64
	for b.Loop() {
		var hub Hub
		joined := make(chan struct{}, n)
		read := make(chan struct{}, n)
		base := runtime.NumGoroutine()
		srv := httptest.NewServer(Handler(func(ctx context.Context, c *Conn) error {
			if err := hub.Join("room", c); err != nil {
				return err
			}
			joined <- struct{}{}
			for {
				if _, err := c.ReadBytes(); err != nil {
					return err
				}
				read <- struct{}{}
			}
		}, opts...))
		addr := srv.Listener.Addr().String()
		before := readMem()
		var stop func()
		if inproc {
			conns := make([]net.Conn, 0, n)
			for range n {
				c, err := rawDial(addr, send)
				if err != nil {
					b.Fatal(err)
				}
				conns = append(conns, c)
			}
			stop = func() {
				for _, c := range conns {
					c.Close()
				}
			}
		} else {
			stop = startIdleClients(b, addr, n, send)
		}
		waitN(b, joined, n, "joined")
		if send == "msg" {
			waitN(b, read, n, "messages read")
		}
		after := readMem()
		heap = float64(after.HeapAlloc-before.HeapAlloc) / n
		stack = float64(after.StackInuse-before.StackInuse) / n
		hub.Close()
		stop()
		srv.Close()
		settle(b, base)
	}
	reportMem(b, heap, stack)
}

func waitN(b *testing.B, ch chan struct{}, n int, what string) {
	for range n {
		select {
		case <-ch:
		case <-time.After(guard):
			b.Fatal("connections not all " + what)
		}
	}
}

// startIdleClients runs TestIdleClients in a child process, which opens n
// connections to addr, and returns once they are all upgraded (and have
// sent what send says); stop closes them and waits for the child's exit.
func startIdleClients(b *testing.B, addr string, n int, send string) (stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClients$", "-test.count=1")
	cmd.Env = append(os.Environ(), idleClientsEnv+"="+addr+","+strconv.Itoa(n)+","+send)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		in.Close()
		cmd.Wait()
		b.Fatalf("idle clients: %q, %v", line, err)
	}
	return func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("idle clients: %v", err)
		}
	}
}

// idleClientsEnv tells the test binary, run by startIdleClients, to hold
// idle clients: its value is "addr,n,send".
const idleClientsEnv = "STDAPI_WS_IDLE_CLIENTS"

// TestIdleClients is BenchmarkIdleConnServer's child process (it skips
// otherwise): it opens the connections, prints "ready", and holds them
// until its standard input is closed.
func TestIdleClients(t *testing.T) {
	v := os.Getenv(idleClientsEnv)
	if v == "" {
		t.Skip("run by BenchmarkIdleConnServer")
	}
	args := strings.Split(v, ",")
	if len(args) != 3 {
		t.Fatalf("%s=%q, want addr,n,send", idleClientsEnv, v)
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		t.Fatal(err)
	}
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := rawDial(args[0], args[2])
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

func reportMem(b *testing.B, heap, stack float64) {
	b.ReportMetric(heap, "heap-B/conn")
	b.ReportMetric(stack, "stack-B/conn")
	b.ReportMetric(heap+stack, "B/conn")
}

// rawDial opens a WebSocket connection with a hand-written handshake and
// reads the 101 answer with a small buffer, which it drops. Then, for
// send "msg", it sends a text message; for "ping", a ping, and reads the
// pong.
func rawDial(addr, send string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(c, 256)
	status, err := br.ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		return nil, fmt.Errorf("handshake: %q, %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == "\r\n" {
			break
		}
	}
	// Masked frames with the key 0 (the payload is sent as is).
	switch send {
	case "msg":
		_, err = c.Write([]byte("\x81\x82\x00\x00\x00\x00hi"))
	case "ping":
		if _, err = c.Write([]byte("\x89\x82\x00\x00\x00\x00hi")); err == nil {
			pong := make([]byte, 4)
			if _, err = io.ReadFull(br, pong); err == nil && string(pong) != "\x8a\x02hi" {
				err = fmt.Errorf("ping answered with %q", pong)
			}
		}
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
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
