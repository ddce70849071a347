package stream_test

import (
	"bufio"
	"context"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stdapi/stdapi/stream"
	"github.com/stdapi/stdapi/ws"
)

// BenchmarkEventsOneClient measures typed events (a small struct encoded
// as JSON) to one client over loopback HTTP, read by the client as they
// come; events/s is the throughput.
func BenchmarkEventsOneClient(b *testing.B) {
	var n atomic.Int64
	srv := httptest.NewServer(stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		for i := range int(n.Load()) {
			if err := s.Send(stream.Event[Tick]{ID: strconv.Itoa(i), Data: Tick{N: i, Text: "hello"}}); err != nil {
				return err
			}
		}
		return nil
	}, stream.KeepAlive(-1), stream.SendQueue(64)))
	defer srv.Close()
	n.Store(int64(b.N))
	b.ReportAllocs()
	b.ResetTimer()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	got := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			break
		}
		if len(line) == 1 {
			got++
		}
	}
	if got != b.N {
		b.Fatalf("%d events read, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkLinesOneClient is BenchmarkEventsOneClient for JSON Lines.
func BenchmarkLinesOneClient(b *testing.B) {
	srv := httptest.NewServer(stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return items(b.N, nil)
	}))
	defer srv.Close()
	b.ReportAllocs()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	got := 0
	for ; ; got++ {
		if _, err := r.ReadSlice('\n'); err != nil {
			break
		}
	}
	if got != b.N {
		b.Fatalf("%d lines read, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// sink is an in-memory ResponseWriter that counts the bytes written to all
// the sinks of a benchmark and signals when a target is reached.
type sink struct {
	header  http.Header
	written *atomic.Int64
	target  *atomic.Int64
	reached chan struct{}
}

func (s *sink) Header() http.Header { return s.header }
func (s *sink) WriteHeader(int)     {}
func (s *sink) Flush()              {}

// SetWriteDeadline is what http.ResponseController finds on net/http's
// writer: the stream sets a deadline per batch.
func (s *sink) SetWriteDeadline(time.Time) error { return nil }
func (s *sink) Write(p []byte) (int, error) {
	if t := s.target.Load(); s.written.Add(int64(len(p))) == t {
		s.reached <- struct{}{}
	}
	return len(p), nil
}

// BenchmarkHubBroadcastEvents measures a 128-byte broadcast delivered to
// SSE streams over in-memory ResponseWriters: queueing, the writer
// goroutines and the event writes, until every stream has written it;
// ns/conn is the cost per subscriber (ws's BenchmarkHubBroadcastConns is
// the WebSocket figure).
func BenchmarkHubBroadcastEvents(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var hub ws.Hub
			var written, target atomic.Int64
			target.Store(-1)
			reached := make(chan struct{}, 1)
			joined := make(chan struct{}, n)
			h := stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
				if err := s.Join(&hub, "room"); err != nil {
					return err
				}
				joined <- struct{}{}
				<-ctx.Done()
				return nil
			}, stream.KeepAlive(-1))
			ctx, cancel := context.WithCancel(context.Background())
			var served sync.WaitGroup
			for range n {
				r := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
				served.Add(1)
				go func() {
					defer served.Done()
					h.ServeHTTP(&sink{header: http.Header{}, written: &written, target: &target, reached: reached}, r)
				}()
			}
			defer func() { cancel(); served.Wait() }()
			for range n {
				<-joined
			}
			runtime.GC() // as in ws's BenchmarkHubBroadcastConns
			payload := strings.Repeat("b", 128)
			frame := int64(len("data: ") + 128 + 2)
			b.ReportAllocs()
			for b.Loop() {
				target.Store(written.Load() + frame*int64(n))
				hub.Broadcast(context.Background(), "room", ws.NewText(payload))
				select {
				case <-reached:
				case <-time.After(time.Minute):
					b.Fatal("broadcast not delivered")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conn")
		})
	}
}
