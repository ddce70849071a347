package stream_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"strings"
	"testing"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/stream"
)

type ExportIn struct {
	Limit int `query:"limit" validate:"min=1,max=100" default:"3"`
}

// items yields n ticks, then the error fail, if any.
func items(n int, fail error) iter.Seq2[Tick, error] {
	return func(yield func(Tick, error) bool) {
		for i := range n {
			if !yield(Tick{N: i}, nil) {
				return
			}
		}
		if fail != nil {
			yield(Tick{}, fail)
		}
	}
}

func TestLinesWire(t *testing.T) {
	checkLeaks(t)
	srv := serve(t, stream.Lines(func(ctx context.Context, in *ExportIn) iter.Seq2[Tick, error] {
		return items(in.Limit, nil)
	}))
	res := open(t, context.Background(), srv, "?limit=2", nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/jsonl" || res.Header.Get("X-Accel-Buffering") != "no" {
		t.Errorf("status %d, headers %v", res.StatusCode, res.Header)
	}
	if want := "{\"n\":0,\"text\":\"\"}\n{\"n\":1,\"text\":\"\"}\n"; string(body) != want {
		t.Errorf("body %q, want %q", body, want)
	}
	res = open(t, context.Background(), srv, "?limit=0", nil)
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != 422 || !strings.Contains(string(body), `"loc":["query","limit"]`) {
		t.Errorf("limit=0: %d %s", res.StatusCode, body)
	}
}

func TestLinesErrors(t *testing.T) {
	checkLeaks(t)
	quiet(t)
	mux := http.NewServeMux()
	mux.Handle("GET /missing", stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return items(0, stdapi.NewError(http.StatusNotFound, "No such export"))
	}))
	mux.Handle("GET /empty", stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return nil
	}))
	mux.Handle("GET /broken", stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return items(2, errors.New("disk on fire"))
	}))
	mux.Handle("GET /panics", stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return func(yield func(Tick, error) bool) {
			yield(Tick{N: 1}, nil)
			panic("boom")
		}
	}))
	srv := serve(t, mux)

	res := open(t, context.Background(), srv, "/missing", nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), "No such export") {
		t.Errorf("error before the first item: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res = open(t, context.Background(), srv, "/empty", nil)
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(body) != 0 {
		t.Errorf("nil sequence: %d %q", res.StatusCode, body)
	}
	for _, path := range []string{"/broken", "/panics"} {
		res = open(t, context.Background(), srv, path, nil)
		body, err := io.ReadAll(res.Body)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: reading the body: %v, want a truncated transfer (unexpected EOF)", path, err)
		}
		lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
		last := lines[len(lines)-1]
		if want := `{"error":{"type":"about:blank","title":"Internal Server Error","status":500}}`; last != want {
			t.Errorf("%s: last line %q, want %q", path, last, want)
		}
		if res.StatusCode != 200 || len(lines) < 2 {
			t.Errorf("%s: %d, lines %q", path, res.StatusCode, lines)
		}
	}
}

// Each item is flushed as the sequence yields it: the client reads it
// while the sequence waits for the next.
func TestLinesAreFlushed(t *testing.T) {
	checkLeaks(t)
	read := make(chan struct{})
	srv := serve(t, stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return func(yield func(Tick, error) bool) {
			for i := range 3 {
				if !yield(Tick{N: i}, nil) {
					return
				}
				<-read
			}
		}
	}))
	res := open(t, context.Background(), srv, "", nil)
	r := bufio.NewReader(res.Body)
	for i := range 3 {
		line, err := r.ReadString('\n')
		if want := `{"n":` + string(rune('0'+i)) + `,"text":""}` + "\n"; err != nil || line != want {
			t.Fatalf("line %d: %q, %v", i, line, err)
		}
		read <- struct{}{}
	}
}

// A client that goes away stops the sequence: its yield returns false.
func TestLinesClientGoesAway(t *testing.T) {
	checkLeaks(t)
	stopped := make(chan int, 1)
	srv := serve(t, stream.Lines(func(ctx context.Context, in *struct{}) iter.Seq2[Tick, error] {
		return func(yield func(Tick, error) bool) {
			n := 0
			defer func() { stopped <- n }()
			for ; n < 1_000_000; n++ {
				if !yield(Tick{N: n, Text: strings.Repeat("x", 1024)}, nil) {
					return
				}
			}
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	res := open(t, ctx, srv, "", nil)
	bufio.NewReader(res.Body).ReadString('\n')
	cancel()
	if n := wait(t, stopped); n >= 1_000_000 {
		t.Errorf("the sequence ran to its end (%d items) after the client left", n)
	}
}
