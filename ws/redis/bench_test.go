package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

// BenchmarkCrossNodeLatency broadcasts to WebSocket clients split evenly
// over two processes: half on a node in the benchmark's process, half on a
// node in another process, both on the Redis at REDIS_ADDR. Every client
// runs in the benchmark's process, so one clock times each message from
// the Broadcast call to its arrival at the client. An operation is one
// broadcast received by every client; remote-p50/p99 are the cross-node
// latencies (through Redis and the other process), local-p50/p99 those of
// the clients of the publishing node. clients=2 shows the bare hop,
// clients=1000 the case.
func BenchmarkCrossNodeLatency(b *testing.B) {
	for _, n := range []int{2, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchCrossNode(b, n/2) })
	}
}

func benchCrossNode(b *testing.B, perNode int) {
	addr := redisAddr(b)
	prefix := testPrefix(b)
	a, addrA := localNode(b, addr, "a", func(o *Options) { o.Prefix = prefix })
	addrB := remoteNode(b, addr, prefix, "b")
	conns := append(clients(b, addrA, "lobby", perNode), clients(b, addrB, "lobby", perNode)...)
	syncNode(b, a, "lobby", perNode)
	call(b, "GET", "http://"+addrB+"/sync/lobby?members="+strconv.Itoa(perNode), "", 204)

	base := time.Now()
	lat := make([][]time.Duration, len(conns))
	got := make(chan struct{}, len(conns))
	var readers sync.WaitGroup
	for i, c := range conns {
		readers.Go(func() {
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				sent, _ := strconv.ParseInt(string(data), 10, 64)
				lat[i] = append(lat[i], time.Since(base)-time.Duration(sent))
				got <- struct{}{}
			}
		})
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		msg := ws.NewText(strconv.FormatInt(int64(time.Since(base)), 10))
		if err := a.hub.Broadcast(ctx, "lobby", msg); err != nil {
			b.Fatal(err)
		}
		for range conns {
			select {
			case <-got:
			case <-time.After(guard):
				b.Fatal("a client did not receive the broadcast")
			}
		}
	}
	b.StopTimer()
	for _, c := range conns {
		c.Close()
	}
	readers.Wait()
	local, remote := slices.Concat(lat[:perNode]...), slices.Concat(lat[perNode:]...)
	slices.Sort(local)
	slices.Sort(remote)
	b.ReportMetric(float64(percentile(remote, 50)), "remote-p50-ns")
	b.ReportMetric(float64(percentile(remote, 99)), "remote-p99-ns")
	b.ReportMetric(float64(percentile(local, 50)), "local-p50-ns")
	b.ReportMetric(float64(percentile(local, 99)), "local-p99-ns")
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}

// BenchmarkPublish measures the sustained publication of 128-byte
// messages to the Redis at REDIS_ADDR: Publish only queues, so the loop
// waits whenever the queue is full, and the benchmark ends once Redis has
// confirmed every message.
func BenchmarkPublish(b *testing.B) {
	rdb := goredis.NewClient(&goredis.Options{Addr: redisAddr(b)})
	defer rdb.Close()
	br, err := New(Options{Client: rdb, Prefix: testPrefix(b), Logger: discard})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close(context.Background())
	msg := ws.NewText(strings.Repeat("p", 128))
	ctx := context.Background()
	b.ReportAllocs()
	n := uint64(0)
	for b.Loop() {
		for {
			err := br.Publish(ctx, "lobby", msg)
			if err == nil {
				break
			}
			if !errors.Is(err, ErrPublishQueueFull) {
				b.Fatal(err)
			}
			time.Sleep(100 * time.Microsecond)
		}
		n++
	}
	for st := br.Stats(); st.Published+st.PublishFailed < n; st = br.Stats() {
		time.Sleep(time.Millisecond)
	}
	if st := br.Stats(); st.PublishFailed > 0 {
		b.Fatalf("%d messages failed", st.PublishFailed)
	}
}

// BenchmarkDispatch measures the receiving side of a node for a 128-byte
// message, without the network: parse the envelope, find the room, copy
// the payload for the hub (whose own fan-out the ws package measures).
func BenchmarkDispatch(b *testing.B) {
	br := &Broker{opts: Options{Prefix: "ws:", Logger: discard}, node: "a", rooms: map[string]func(*ws.Message){}}
	n := 0
	br.rooms["lobby"] = func(*ws.Message) { n++ }
	env := envelope{node: "b", epoch: 1, typ: ws.Text}
	data := []byte(strings.Repeat("d", 128))
	b.ReportAllocs()
	for b.Loop() {
		env.seq++
		br.dispatch("ws:room:lobby", string(appendEnvelope(nil, env, data)))
	}
	if n == 0 {
		b.Fatal("nothing delivered")
	}
}
