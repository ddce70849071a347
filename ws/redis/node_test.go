package redis

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

// guard is the failure timeout of the tests: generous, never reached when
// the code works.
const guard = 20 * time.Second

// The test binary doubles as the second process of the cross-process
// tests: run with WSREDIS_NODE=<redis address>, it serves a node (see
// node.handler) instead of running tests, prints "ADDR <http address>",
// and stops when its standard input closes.
func TestMain(m *testing.M) {
	goredis.SetLogger(quiet{}) // go-redis logs every failed dial of the outage tests
	if addr := os.Getenv("WSREDIS_NODE"); addr != "" {
		os.Exit(runNode(addr))
	}
	os.Exit(m.Run())
}

func runNode(redisAddr string) int {
	n, err := startNode(redisAddr, os.Getenv("WSREDIS_NODE_ID"), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := httptest.NewServer(n.handler())
	fmt.Printf("ADDR %s\n", srv.Listener.Addr())
	io.Copy(io.Discard, os.Stdin)
	n.close()
	srv.Close()
	return 0
}

// quiet discards go-redis's logs.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// redisAddr returns the address of the Redis server of the tests,
// REDIS_ADDR. Without it the test is skipped, or fails when CI=true.
func redisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REDIS_ADDR is not set (CI=true): source ws/redis/ci.sh first")
		}
		t.Skip("REDIS_ADDR is not set: source ws/redis/ci.sh to run the tests against a real Redis")
	}
	return addr
}

// testPrefix returns a Prefix of its own for t, so that tests sharing a
// Redis server do not see each other's rooms.
func testPrefix(t testing.TB) string {
	return fmt.Sprintf("wstest:%s:%d:", t.Name(), time.Now().UnixNano())
}

// node is one process's share of a chat: a hub on a Redis broker, served
// over HTTP:
//
//	GET  /ws/{room}                 WebSocket: join room, read until the client goes
//	POST /broadcast/{room}          broadcast the body as a text message
//	GET  /sync/{room}?members=N     wait until room has N local members and the broker is synced
//	GET  /count/{room}              the room's member count on every node (presence)
type node struct {
	hub    *ws.Hub
	broker *Broker
	client *goredis.Client
}

// startNode starts a node on the Redis at addr; opts, when not nil,
// adjusts the broker's Options.
func startNode(addr, id string, opts func(*Options)) (*node, error) {
	n := &node{hub: &ws.Hub{}}
	n.client = goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	o := Options{
		Client:           n.client,
		NodeID:           id,
		Prefix:           os.Getenv("WSREDIS_PREFIX"),
		LocalCount:       n.hub.Count,
		PresenceInterval: time.Hour, // joins are recorded at once; no refresh needed in tests
		MinBackoff:       10 * time.Millisecond,
		MaxBackoff:       200 * time.Millisecond,
		Logger:           discard,
	}
	if opts != nil {
		opts(&o)
	}
	b, err := New(o)
	if err != nil {
		n.client.Close()
		return nil, err
	}
	n.broker = b
	n.hub.Broker = b
	return n, nil
}

func (n *node) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ws/{room}", ws.Handler(func(ctx context.Context, c *ws.Conn) error {
		if err := n.hub.Join(c.Request().PathValue("room"), c); err != nil {
			return err
		}
		for {
			if _, _, err := c.Read(); err != nil {
				return err
			}
		}
	}, ws.PingInterval(-1), ws.SendQueue(256)))
	mux.HandleFunc("POST /broadcast/{room}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := n.hub.Broadcast(r.Context(), r.PathValue("room"), ws.NewText(string(body))); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /sync/{room}", func(w http.ResponseWriter, r *http.Request) {
		want, _ := strconv.Atoi(r.URL.Query().Get("members"))
		ctx, cancel := context.WithTimeout(r.Context(), guard)
		defer cancel()
		if err := n.sync(ctx, r.PathValue("room"), want); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /count/{room}", func(w http.ResponseWriter, r *http.Request) {
		c, err := n.broker.Count(r.Context(), r.PathValue("room"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, c)
	})
	return mux
}

// sync waits until room has want local members and the broker's
// subscriptions are in place.
func (n *node) sync(ctx context.Context, room string, want int) error {
	for n.hub.Count(room) < want {
		select {
		case <-ctx.Done():
			return fmt.Errorf("room %q has %d members, want %d", room, n.hub.Count(room), want)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return n.broker.Sync(ctx)
}

func (n *node) close() {
	n.hub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	n.broker.Close(ctx)
	n.client.Close()
}

// localNode starts a node in the test process and serves it; both stop
// with the test.
func localNode(t testing.TB, redis, id string, opts func(*Options)) (*node, string) {
	t.Helper()
	n, err := startNode(redis, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.handler())
	t.Cleanup(func() {
		n.close()
		srv.Close()
	})
	return n, srv.Listener.Addr().String()
}

// remoteNode starts a node in a new process (this test binary, see
// TestMain) on the Redis at redis with prefix, and returns its HTTP
// address. The process stops with the test.
func remoteNode(t testing.TB, redis, prefix, id string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WSREDIS_NODE="+redis, "WSREDIS_PREFIX="+prefix, "WSREDIS_NODE_ID="+id)
	if _, ok := os.LookupEnv("GORACE"); !ok {
		cmd.Env = append(cmd.Env, "GORACE=atexit_sleep_ms=0") // a -race binary otherwise sleeps 1s on exit
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("node process %s: %v", id, err)
			}
		case <-time.After(guard):
			cmd.Process.Kill()
			<-done
			t.Errorf("node process %s did not stop", id)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ADDR ")
	if err != nil || !ok {
		t.Fatalf("node process %s: read address: %q, %v", id, line, err)
	}
	return addr
}

// clients dials n WebSocket clients into room on the node at addr.
func clients(t testing.TB, addr, room string, n int) []*websocket.Conn {
	t.Helper()
	conns := make([]*websocket.Conn, n)
	for i := range conns {
		c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws/"+room, nil)
		if err != nil {
			t.Fatalf("dial node %s: %v", addr, err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	return conns
}

// call sends an HTTP request to a node and fails t unless it answers want.
func call(t testing.TB, method, url, body string, want int) string {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d (%s), want %d", method, url, resp.StatusCode, b, want)
	}
	return string(b)
}

// expect reads one message from each client and fails t unless it is the
// text msg.
func expect(t testing.TB, conns []*websocket.Conn, msg string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(conns))
	for i, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(guard))
			typ, b, err := c.ReadMessage()
			switch {
			case err != nil:
				errs <- fmt.Errorf("client %d: read: %w", i, err)
			case typ != websocket.TextMessage || string(b) != msg:
				errs <- fmt.Errorf("client %d: got %d %q, want text %q", i, typ, b, msg)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}
