package stream_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/stream"
)

type Tick struct {
	N    int    `json:"n"`
	Text string `json:"text"`
}

type TicksIn struct {
	Topic  string `path:"topic"`
	From   int    `query:"from" validate:"min=0"`
	LastID string `header:"Last-Event-ID"`
}

func ticks(ctx context.Context, in *TicksIn, s *stream.Stream[Tick]) error {
	start := in.From
	if in.LastID != "" {
		start = len(in.LastID) // the test's ids are "x", "xx"...
	}
	for i := start; i < start+2; i++ {
		err := s.Send(stream.Event[Tick]{ID: strings.Repeat("x", i+1), Name: in.Topic, Data: Tick{N: i, Text: "a\nb"}, Retry: 1500 * time.Millisecond})
		if err != nil {
			return err
		}
	}
	return nil
}

func TestEventsWire(t *testing.T) {
	checkLeaks(t)
	mux := http.NewServeMux()
	mux.Handle("GET /ticks/{topic}", stream.Events(ticks))
	srv := serve(t, mux)

	res := open(t, context.Background(), srv, "/ticks/news?from=1", nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	body, _ := io.ReadAll(res.Body)
	want := "id: xx\nevent: news\nretry: 1500\ndata: {\"n\":1,\"text\":\"a\\nb\"}\n\n" +
		"id: xxx\nevent: news\nretry: 1500\ndata: {\"n\":2,\"text\":\"a\\nb\"}\n\n"
	if string(body) != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}

	res = open(t, context.Background(), srv, "/ticks/news", http.Header{"Last-Event-ID": {"xxxx"}})
	f := newFrames(res.Body)
	if got := f.must(t); !strings.HasPrefix(got, "id: xxxxx\n") {
		t.Errorf("after Last-Event-ID xxxx, first frame %q", got)
	}
}

func TestEventsErrorsBeforeTheStream(t *testing.T) {
	checkLeaks(t)
	quiet(t)
	mux := http.NewServeMux()
	mux.Handle("GET /ticks/{topic}", stream.Events(ticks))
	mux.Handle("GET /denied", stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		return stdapi.NewError(http.StatusUnauthorized, "Not authenticated")
	}))
	mux.Handle("GET /done", stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		return nil
	}))
	mux.Handle("GET /boom", stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		panic("boom")
	}))
	srv := serve(t, mux)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/ticks/a?from=-1", 422, `"loc":["query","from"]`},
		{"/denied", 401, `"detail":"Not authenticated"`},
		{"/done", 204, ``},
		{"/boom", 500, `"title":"Internal Server Error"`},
	} {
		res := open(t, context.Background(), srv, tc.path, nil)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
			t.Errorf("%s: %d %s, want %d with %s", tc.path, res.StatusCode, body, tc.status, tc.body)
		}
		if tc.status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tc.path, res.Header.Get("Content-Type"))
		}
	}
}

func TestEventsErrorAfterTheFirstEvent(t *testing.T) {
	checkLeaks(t)
	quiet(t)
	fail := func(err error) http.Handler {
		return stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
			if err := s.SendData(Tick{N: 1}); err != nil {
				return err
			}
			return err
		})
	}
	mux := http.NewServeMux()
	mux.Handle("GET /conflict", fail(stdapi.NewError(http.StatusConflict, "Topic closed")))
	mux.Handle("GET /internal", fail(errors.New("database password is hunter2")))
	srv := serve(t, mux)
	for path, want := range map[string]string{
		"/conflict": `event: error` + "\n" + `data: {"type":"about:blank","title":"Conflict","status":409,"detail":"Topic closed"}`,
		"/internal": `event: error` + "\n" + `data: {"type":"about:blank","title":"Internal Server Error","status":500}`,
	} {
		res := open(t, context.Background(), srv, path, nil)
		f := newFrames(res.Body)
		if got := f.must(t); got != `data: {"n":1,"text":""}` {
			t.Errorf("%s: first frame %q", path, got)
		}
		if got := f.must(t); got != want {
			t.Errorf("%s: error frame %q, want %q", path, got, want)
		}
		if rest, err := f.next(); err != io.EOF || rest != "" {
			t.Errorf("%s: after the error: %q, %v", path, rest, err)
		}
	}
}

// An event is readable by the client while the handler is still running:
// each one is flushed.
func TestEventsAreFlushed(t *testing.T) {
	checkLeaks(t)
	read := make(chan struct{})
	ended := make(chan error, 1)
	srv := serve(t, stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		for i := range 3 {
			if err := s.SendData(Tick{N: i}); err != nil {
				return err
			}
			<-read // the client saw it
		}
		ended <- nil
		return nil
	}))
	res := open(t, context.Background(), srv, "", nil)
	f := newFrames(res.Body)
	for i := range 3 {
		if got, want := f.must(t), `data: {"n":`+string(rune('0'+i))+`,"text":""}`; got != want {
			t.Errorf("frame %d: %q, want %q", i, got, want)
		}
		read <- struct{}{}
	}
	wait(t, ended)
}

// The handler's context ends when the client goes away, and every
// goroutine of the stream ends with it.
func TestEventsClientGoesAway(t *testing.T) {
	checkLeaks(t)
	done := make(chan error, 1)
	srv := serve(t, stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		if err := s.Open(); err != nil {
			return err
		}
		<-ctx.Done()
		done <- s.SendData(Tick{})
		return ctx.Err()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	res := open(t, ctx, srv, "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	cancel()
	if err := wait(t, done); !errors.Is(err, stream.ErrClosed) {
		t.Errorf("Send after the client left: %v, want ErrClosed", err)
	}
}

func TestEventsKeepAlive(t *testing.T) {
	checkLeaks(t)
	srv := serve(t, stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		<-ctx.Done() // no Open: the first keepalive starts the response
		return nil
	}, stream.KeepAlive(5*time.Millisecond)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := open(t, ctx, srv, "", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	f := newFrames(res.Body)
	for range 3 {
		if got := f.must(t); got != ": keepalive" {
			t.Fatalf("frame %q, want a keepalive comment", got)
		}
	}
}

// A client that stops reading cannot make the server buffer without
// bound: Send blocks on the full queue, the writer's deadline passes, and
// the stream ends.
func TestEventsSlowClient(t *testing.T) {
	checkLeaks(t)
	result := make(chan error, 1)
	sent := make(chan int, 1)
	payload := strings.Repeat("x", 64<<10)
	srv := serve(t, stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		n := 0
		defer func() { sent <- n }()
		for ; n < 10_000; n++ { // 640 MB if nothing stopped it
			if err := s.SendData(Tick{N: n, Text: payload}); err != nil {
				result <- err
				return err
			}
		}
		result <- nil
		return nil
	}, stream.WriteTimeout(100*time.Millisecond), stream.SendQueue(4)))
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")) // and never read
	if err := wait(t, result); !errors.Is(err, stream.ErrClosed) {
		t.Fatalf("Send to a client that never reads: %v, want ErrClosed", err)
	}
	if n := wait(t, sent); n >= 10_000 {
		t.Fatalf("%d events accepted", n)
	} else {
		t.Logf("%d events of 64 KiB accepted before the disconnection", n)
	}
}

func TestEventsInvalidEvents(t *testing.T) {
	checkLeaks(t)
	type Deleted struct {
		ID int `json:"id"`
	}
	errs := make(chan []error, 1)
	srv := serve(t, stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[any]) error {
		errs <- []error{
			s.Send(stream.Event[any]{ID: "a\nb", Name: "created", Data: Tick{}}),
			s.Send(stream.Event[any]{Name: "x\ry", Data: Tick{}}),
			s.Send(stream.Event[any]{Name: "created", Data: Deleted{}}),
			s.Send(stream.Event[any]{Name: "updated", Data: Tick{}}),
			s.Send(stream.Event[any]{Name: "created", Data: func() {}}),
			s.Send(stream.Event[any]{Name: "deleted", Data: Deleted{ID: 7}}),
		}
		return nil
	}, stream.EventTypes(map[string]any{"created": Tick{}, "deleted": Deleted{}})))
	res := open(t, context.Background(), srv, "", nil)
	body, _ := io.ReadAll(res.Body)
	got := wait(t, errs)
	for i, err := range got[:3] {
		if !errors.Is(err, stream.ErrInvalidEvent) {
			t.Errorf("send %d: %v, want ErrInvalidEvent", i, err)
		}
	}
	if !errors.Is(got[3], stream.ErrInvalidEvent) {
		t.Errorf("undeclared name: %v", got[3])
	}
	if got[4] == nil || got[5] != nil {
		t.Errorf("unencodable data: %v; valid event: %v", got[4], got[5])
	}
	if string(body) != "event: deleted\ndata: {\"id\":7}\n\n" {
		t.Errorf("body %q: only the valid event should be sent", body)
	}
}

// http.Server.ReadTimeout and WriteTimeout bound a request, not a
// stream: a stream outlives them.
func TestEventsOutliveServerTimeouts(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewUnstartedServer(stream.Events(func(ctx context.Context, in *struct{}, s *stream.Stream[Tick]) error {
		for i := range 4 {
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := s.SendData(Tick{N: i}); err != nil {
				return err
			}
		}
		return nil
	}, stream.KeepAlive(-1)))
	srv.Config.ReadTimeout = 50 * time.Millisecond
	srv.Config.WriteTimeout = 50 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	res := open(t, context.Background(), srv, "", nil)
	body, err := io.ReadAll(res.Body)
	if err != nil || strings.Count(string(body), "data: ") != 4 {
		t.Errorf("body %q, %v: want 4 events", body, err)
	}
}
