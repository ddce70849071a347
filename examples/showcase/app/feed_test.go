package app

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// nextEvent reads one server-sent event's lines, skipping keepalives.
func nextEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var lines []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the feed: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" && len(lines) > 0:
			return strings.Join(lines, "\n")
		case line == "", strings.HasPrefix(line, ":"):
		default:
			lines = append(lines, line)
		}
	}
}

func TestFeed(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	app := newApp(t)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	token := login(t, app, "")
	create := func(name string) {
		w := do(app, request{method: "POST", path: "/items", header: bearer(token), contentType: "application/json",
			body: `{"name":"` + name + `","price":1}`})
		if w.Code != 201 {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
	}
	create("first")

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/items/changes", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("feed: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(res.Body)
	if got, want := nextEvent(t, r), "id: 1\nevent: created\ndata: {\"id\":1,\"name\":\"first\",\"price\":1,\"owner\":\"alice\"}"; got != want {
		t.Errorf("replayed change %q, want %q", got, want)
	}
	create("second")
	if got := nextEvent(t, r); !strings.HasPrefix(got, "id: 2\nevent: created\n") {
		t.Errorf("live change %q", got)
	}
	do(app, request{method: "DELETE", path: "/items/1", header: bearer(token)})
	if got := nextEvent(t, r); got != "id: 3\nevent: deleted\ndata: {\"id\":1}" {
		t.Errorf("deletion %q", got)
	}

	// A reconnecting EventSource gets what it missed after Last-Event-ID.
	req, _ = http.NewRequestWithContext(ctx, "GET", srv.URL+"/items/changes", nil)
	req.Header.Set("Last-Event-ID", "2")
	res2, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res2.Body.Close() })
	if got := nextEvent(t, bufio.NewReader(res2.Body)); !strings.HasPrefix(got, "id: 3\nevent: deleted") {
		t.Errorf("after Last-Event-ID 2: %q", got)
	}

	// CloseConns ends the feeds, which the server's Shutdown waits for.
	app.CloseConns()
	if rest, err := io.ReadAll(r); err != nil || len(rest) != 0 {
		t.Errorf("after CloseConns: %q, %v", rest, err)
	}
}

func TestExport(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	app := newApp(t)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	token := login(t, app, "")
	for _, name := range []string{"a", "b", "c"} {
		do(app, request{method: "POST", path: "/items", header: bearer(token), contentType: "application/json", body: `{"name":"` + name + `","price":2}`})
	}
	if w := do(app, request{method: "GET", path: "/items/export"}); w.Code != 401 {
		t.Errorf("without a token: %d", w.Code)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/items/export?page_size=2", nil)
	req.Header = bearer(token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	want := `{"id":1,"name":"a","price":2,"owner":"alice"}` + "\n" +
		`{"id":2,"name":"b","price":2,"owner":"alice"}` + "\n" +
		`{"id":3,"name":"c","price":2,"owner":"alice"}` + "\n"
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/jsonl" || string(body) != want {
		t.Errorf("export: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}
