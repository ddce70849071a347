package redis

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// redisServer is a redis-server of the test's own, which it can kill and
// start again on the same port.
type redisServer struct {
	t    testing.TB
	bin  string
	dir  string
	port string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts a redis-server on a free loopback port, stopped with
// the test. Without the redis-server binary the test is skipped, or fails
// when CI=true.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed (CI=true): source ws/redis/ci.sh first")
		}
		t.Skip("redis-server is not installed: apt-get install redis-server, or source ws/redis/ci.sh")
	}
	_, port, _ := strings.Cut(unusedAddr(t), ":")
	s := &redisServer{t: t, bin: bin, dir: t.TempDir(), port: port}
	s.start()
	t.Cleanup(s.kill)
	return s
}

func (s *redisServer) addr() string { return "127.0.0.1:" + s.port }

// start runs the server and waits until it answers.
func (s *redisServer) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--bind", "127.0.0.1", "--port", s.port, "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--logfile", "")
	s.cmd.Stdout, s.cmd.Stderr = nil, nil
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		cmd.Wait()
		close(done)
	}(s.cmd, s.done)
	rdb := goredis.NewClient(&goredis.Options{Addr: s.addr(), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(guard)
	for rdb.Ping(context.Background()).Err() != nil {
		select {
		case <-s.done:
			s.t.Fatalf("redis-server on port %s exited", s.port)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %s does not answer", s.port)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill kills the server (SIGKILL: no goodbye to its clients) and waits
// for it to exit.
func (s *redisServer) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// TestRedisRestart kills the Redis server under two nodes in two processes
// and starts it again: broadcasts published meanwhile reach only the
// publishing node's own clients (pub/sub is at most once), the gap is
// reported, and later broadcasts reach every client again.
func TestRedisRestart(t *testing.T) {
	t.Cleanup(checkLeaks(t))
	srv := startRedis(t)
	prefix := testPrefix(t)
	gaps := make(chan Gap, 4)
	a, addrA := localNode(t, srv.addr(), "a", func(o *Options) {
		o.Prefix = prefix
		o.OnGap = func(g Gap) { gaps <- g }
	})
	addrB := remoteNode(t, srv.addr(), prefix, "b")
	onA := clients(t, addrA, "lobby", 2)
	onB := clients(t, addrB, "lobby", 2)
	syncNode(t, a, "lobby", 2)
	call(t, "GET", "http://"+addrB+"/sync/lobby?members=2", "", 204)
	all := append(slices.Clone(onA), onB...)
	call(t, "POST", "http://"+addrA+"/broadcast/lobby", "before", 204)
	expect(t, all, "before")

	killed := time.Now()
	srv.kill()
	// Publishing fails, on the Broker's goroutine (Broadcast does not
	// wait), and is counted; the node's own clients still get the message.
	call(t, "POST", "http://"+addrA+"/broadcast/lobby", "during", 204)
	expect(t, onA, "during")
	waitFor(t, func() bool { return a.broker.Stats().PublishFailed == 1 })

	srv.start()
	var gap Gap
	select {
	case gap = <-gaps:
	case <-time.After(guard):
		t.Fatal("no gap reported after Redis came back")
	}
	if gap.Err == nil || gap.Start.Before(killed) || gap.End.Before(gap.Start) || !slices.Equal(gap.Rooms, []string{"lobby"}) {
		t.Errorf("Gap = %+v, want an error, %v <= Start <= End, Rooms [lobby]", gap, killed)
	}
	syncNode(t, a, "lobby", 2)
	call(t, "GET", "http://"+addrB+"/sync/lobby?members=2", "", 204)
	// The restarted Redis lost everything; both nodes recorded their
	// presence again.
	if n := call(t, "GET", "http://"+addrB+"/count/lobby", "", 200); n != "4" {
		t.Errorf("Count after the restart = %s, want 4", n)
	}

	// b's clients never get "during": their next message is "after".
	call(t, "POST", "http://"+addrA+"/broadcast/lobby", "after", 204)
	expect(t, all, "after")
	call(t, "POST", "http://"+addrB+"/broadcast/lobby", "after from b", 204)
	expect(t, all, "after from b")
	if st := a.broker.Stats(); st.Gaps != 1 || !st.Connected {
		t.Errorf("Stats = %+v, want 1 gap, connected", st)
	}

	// A second outage is reported too.
	srv.kill()
	srv.start()
	select {
	case gap = <-gaps:
	case <-time.After(guard):
		t.Fatal("no gap reported after the second restart")
	}
	syncNode(t, a, "lobby", 2)
	call(t, "GET", "http://"+addrB+"/sync/lobby?members=2", "", 204)
	call(t, "POST", "http://"+addrB+"/broadcast/lobby", "after the second outage", 204)
	expect(t, all, "after the second outage")
	if st := a.broker.Stats(); st.Gaps != 2 {
		t.Errorf("Stats.Gaps = %d, want 2", st.Gaps)
	}
}
