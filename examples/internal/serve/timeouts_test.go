package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/internal/logtest"
	"github.com/stdapi/stdapi/ws"
)

// short are the timeouts of the tests: a well-behaved client is far
// inside them, a slow one far outside.
var short = Timeouts{
	ReadHeader: 200 * time.Millisecond,
	Read:       400 * time.Millisecond,
	Write:      400 * time.Millisecond,
	Idle:       400 * time.Millisecond,
}

// guard bounds a wait that only a broken server reaches: no assertion is
// timed tighter than this, so a loaded machine does not make tests flake.
const guard = 10 * time.Second

// startServer runs Serve on a loopback port with timeouts and returns its
// address; the server is stopped when the test ends.
func startServer(t *testing.T, h http.Handler, timeouts Timeouts) string {
	t.Helper()
	logtest.Capture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, Options{Timeouts: timeouts}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func TestServerTimeouts(t *testing.T) {
	tests := []struct {
		name                          string
		in                            Timeouts
		readHeader, read, write, idle time.Duration
	}{
		{"defaults", Timeouts{}, 5 * time.Second, 30 * time.Second, 30 * time.Second, 120 * time.Second},
		{"chosen", Timeouts{ReadHeader: 1, Read: 2, Write: 3, Idle: 4}, 1, 2, 3, 4},
		{"off", Timeouts{ReadHeader: -1, Read: -1, Write: -1, Idle: -1}, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := newServer(http.NotFoundHandler(), Options{Timeouts: tt.in})
			if err != nil {
				t.Fatal(err)
			}
			if srv.ReadHeaderTimeout != tt.readHeader || srv.ReadTimeout != tt.read || srv.WriteTimeout != tt.write || srv.IdleTimeout != tt.idle {
				t.Errorf("header %v, read %v, write %v, idle %v; want %v, %v, %v, %v",
					srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout,
					tt.readHeader, tt.read, tt.write, tt.idle)
			}
		})
	}
}

// Slowloris: clients that send their headers, or their body, one byte at
// a time are disconnected once the read timeouts pass, every one of them.
func TestSlowClientsDisconnected(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // registered first, runs after the server has stopped
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "body too slow", http.StatusRequestTimeout)
			return
		}
		io.WriteString(w, "ok")
	})
	addr := startServer(t, h, short)
	tests := []struct {
		name, head string
	}{
		{"slow headers", "POST / HTTP/1.1\r\nHost: x\r\n"},
		{"slow body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const conns = 20
			errs := make(chan error, conns)
			for range conns {
				go func() { errs <- slowClient(addr, tt.head) }()
			}
			open := 0
			for range conns {
				if err := <-errs; err != nil {
					open++
					t.Log(err)
				}
			}
			if open > 0 {
				t.Errorf("%d of %d slow clients still connected after %v", open, conns, guard)
			}
		})
	}
}

// slowClient sends head, then one byte every 50ms, and returns nil once
// the server has closed the connection, or an error if it is still open
// after guard (or could not connect).
func slowClient(addr, head string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := io.WriteString(c, head); err != nil {
		return err
	}
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c) // ends with EOF or a reset: closed by the server
		close(closed)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	giveUp := time.After(guard)
	for {
		select {
		case <-closed:
			return nil
		case <-giveUp:
			return errors.New("still connected")
		case <-tick.C:
			c.Write([]byte("X")) // fails once the server has closed: the reader sees it too
		}
	}
}

// A client that sends its request and never reads the answer does not pin
// the handler and its response: past the write timeout, writes fail.
func TestSlowReaderDisconnected(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // registered first, runs after the server has stopped
	failed := make(chan error, 1)
	chunk := []byte(strings.Repeat("x", 32<<10))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 2048 { // 64 MiB, more than any socket buffer holds
			if _, err := w.Write(chunk); err != nil {
				failed <- err
				return
			}
		}
		failed <- nil
	})
	addr := startServer(t, h, short)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.(*net.TCPConn).SetReadBuffer(4 << 10)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	select {
	case err := <-failed:
		if err == nil {
			t.Fatal("the handler wrote 64 MiB to a client that reads nothing")
		}
	case <-time.After(guard):
		t.Fatalf("the handler is still writing to a client that reads nothing after %v", guard)
	}
}

// A handler that streams for longer than the write timeout extends its
// own deadline with http.ResponseController, through AccessLog; without
// that, the stream is cut at the timeout.
func TestLongStreamExtendsDeadline(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // registered first, runs after the server has stopped
	const ticks = 8               // 8 × 100ms: twice the write timeout
	stream := func(extend bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			for i := range ticks {
				if extend {
					if err := rc.SetWriteDeadline(time.Now().Add(guard)); err != nil {
						t.Errorf("SetWriteDeadline: %v", err)
						return
					}
				}
				fmt.Fprintf(w, "tick %d\n", i)
				if err := rc.Flush(); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/extended", stream(true))
	mux.Handle("/plain", stream(false))
	addr := startServer(t, mux, short)
	want := ""
	for i := range ticks {
		want += fmt.Sprintf("tick %d\n", i)
	}

	body, err := get(addr, "/extended")
	if err != nil || body != want {
		t.Errorf("extended stream: %q, %v; want all %d ticks", body, err, ticks)
	}
	if body, err := get(addr, "/plain"); err == nil || body == want {
		t.Errorf("a stream past the write timeout was not cut: %q, %v", body, err)
	}
}

func get(addr, path string) (string, error) {
	res, err := http.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// A WebSocket lives past every server timeout: the upgrade clears the
// server's deadlines, and package ws sets its own per read and write.
func TestWebSocketOutlivesTimeouts(t *testing.T) {
	t.Cleanup(leakcheck.Check(t)) // registered first, runs after the server has stopped
	ended := make(chan struct{})
	echo := ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		defer close(ended)
		for {
			s, err := c.ReadText()
			if err != nil {
				return err
			}
			if err := c.SendText("echo " + s); err != nil {
				return err
			}
		}
	})
	addr := startServer(t, echo, short)
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(guard))
	for i := range 3 {
		if i > 0 {
			time.Sleep(2 * short.Read) // silent past the read, write and idle timeouts
		}
		msg := fmt.Sprint(i)
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		_, got, err := c.ReadMessage()
		if err != nil || string(got) != "echo "+msg {
			t.Fatalf("message %d: %q, %v", i, got, err)
		}
	}
	if err := c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(guard)); err != nil {
		t.Fatal(err)
	}
	var ce *websocket.CloseError
	if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure {
		t.Errorf("close: %v, want 1000", err)
	}
	<-ended
}
