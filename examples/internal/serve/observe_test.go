package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"expvar"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// captureLog makes slog write text lines without time and duration to a
// buffer until t ends.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func testMux(t *testing.T) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /teapot", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	})
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the access log: %v", err)
		}
	})
	return mux
}

// Which requests each mode logs, at which level: errors and slow requests
// always (but off), successes all, sampled or none.
func TestAccessLogModes(t *testing.T) {
	paths := []string{"/ok", "/teapot", "/ok", "/empty", "/boom", "/ok", "/flush", "/missing", "/ok"}
	const (
		ok1     = "level=INFO msg=request method=GET path=/ok status=200 bytes=2\n"
		teapot  = "level=INFO msg=request method=GET path=/teapot status=418 bytes=15\n"
		empty   = "level=INFO msg=request method=GET path=/empty status=200 bytes=0\n"
		boom    = "level=WARN msg=request method=GET path=/boom status=500 bytes=5\n"
		flush   = "level=INFO msg=request method=GET path=/flush status=200 bytes=1\n"
		missing = "level=INFO msg=request method=GET path=/missing status=404 bytes=19\n"
		okS     = "level=INFO msg=request method=GET path=/ok status=200 bytes=2 sample=3\n"
	)
	tests := []struct {
		name string
		log  AccessLog
		want string
	}{
		{"all", AccessLog{Mode: AccessLogAll, Slow: time.Hour},
			ok1 + teapot + ok1 + empty + boom + ok1 + flush + missing + ok1},
		// successes: /ok /ok /empty /ok /flush /ok; 1st and 4th logged
		{"sample", AccessLog{Slow: time.Hour, Every: 3}, okS + teapot + boom + okS + missing},
		{"errors", AccessLog{Mode: AccessLogErrors, Slow: time.Hour}, teapot + boom + missing},
		{"off", AccessLog{Mode: AccessLogOff, Slow: time.Nanosecond}, ""},
		{"slow", AccessLog{Mode: AccessLogErrors, Slow: time.Nanosecond},
			strings.ReplaceAll(ok1, "INFO", "WARN") + strings.ReplaceAll(teapot, "INFO", "WARN") +
				strings.ReplaceAll(ok1, "INFO", "WARN") + strings.ReplaceAll(empty, "INFO", "WARN") + boom +
				strings.ReplaceAll(ok1, "INFO", "WARN") + strings.ReplaceAll(flush, "INFO", "WARN") +
				strings.ReplaceAll(missing, "INFO", "WARN") + strings.ReplaceAll(ok1, "INFO", "WARN")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := captureLog(t)
			h, err := tt.log.Handler(testMux(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range paths {
				req := httptest.NewRequest("GET", p, nil)
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
			if buf.String() != tt.want {
				t.Errorf("log\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}

// The default logs the first success, then 1 in 100.
func TestAccessLogDefaultSampling(t *testing.T) {
	buf := captureLog(t)
	h, err := AccessLog{}.Handler(testMux(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 250 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/ok", nil))
	}
	if got := strings.Count(buf.String(), "sample=100"); got != 3 {
		t.Errorf("%d sampled lines for 250 successes, want 3 (the 1st, 101st and 201st):\n%s", got, buf.String())
	}
}

func TestAccessLogUnknownMode(t *testing.T) {
	if _, err := (AccessLog{Mode: "verbose"}).Handler(http.NotFoundHandler()); err == nil {
		t.Error("Handler accepted mode verbose")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = Serve(t.Context(), ln, http.NotFoundHandler(), Options{AccessLog: AccessLog{Mode: "verbose"}})
	if err == nil || !strings.Contains(err.Error(), `unknown access log mode "verbose"`) {
		t.Errorf("Serve: %v, want the unknown mode", err)
	}
}

// Metrics count requests by status class, those in flight, and their
// latency, upgrades excepted.
func TestMetrics(t *testing.T) {
	var m Metrics
	started, release := make(chan struct{}), make(chan struct{})
	mux := testMux(t)
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	mux.HandleFunc("GET /upgrade", func(w http.ResponseWriter, r *http.Request) {
		// A hijacked connection: nothing written through w.
	})
	h := m.Handler(mux)
	for _, p := range []string{"/ok", "/ok", "/teapot", "/missing", "/boom"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	up := httptest.NewRequest("GET", "/upgrade", nil)
	up.Header.Set("Upgrade", "websocket")
	h.ServeHTTP(httptest.NewRecorder(), up)

	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
		close(done)
	}()
	<-started
	s := m.Snapshot()
	if s.InFlight != 1 || s.Requests != 6 {
		t.Errorf("during /slow: in_flight %d, requests %d; want 1 and 6", s.InFlight, s.Requests)
	}
	close(release)
	<-done

	var got MetricsSnapshot
	if err := json.Unmarshal([]byte(m.String()), &got); err != nil {
		t.Fatalf("String is not JSON: %v\n%s", err, m.String())
	}
	want := map[string]int64{"1xx": 1, "2xx": 3, "3xx": 0, "4xx": 2, "5xx": 1}
	for k, v := range want {
		if got.Status[k] != v {
			t.Errorf("status %s: %d, want %d (all: %v)", k, got.Status[k], v, got.Status)
		}
	}
	if got.Requests != 7 || got.InFlight != 0 {
		t.Errorf("requests %d, in_flight %d; want 7 and 0", got.Requests, got.InFlight)
	}
	if got.Latency.Count != 6 {
		t.Errorf("latency count %d, want 6 (the upgrade left out)", got.Latency.Count)
	}
	b := got.Latency.Buckets
	if len(b) != len(LatencyBuckets)+1 || b[0].LE != "0.001" || b[len(b)-1].LE != "+Inf" || b[len(b)-1].Count != 6 {
		t.Errorf("buckets %+v: want le 0.001 first, +Inf last counting all 6", b)
	}
	for i := 1; i < len(b); i++ {
		if b[i].Count < b[i-1].Count {
			t.Errorf("buckets are not cumulative: %+v", b)
		}
	}
	if got.Latency.Max <= 0 || got.Latency.Sum < got.Latency.Max {
		t.Errorf("latency max %v, sum %v", got.Latency.Max, got.Latency.Sum)
	}
}

// Publish replaces what an earlier server published under the same name,
// where expvar.Publish would panic.
func TestPublishTwice(t *testing.T) {
	Publish("serve_test", expvar.Func(func() any { return 1 }))
	Publish("serve_test", expvar.Func(func() any { return 2 }))
	if got := expvar.Get("serve_test").String(); got != "2" {
		t.Errorf("serve_test = %s, want 2", got)
	}
}

func TestListenDebugLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "127.0.0.1"} {
		if ln, err := ListenDebug(addr); err == nil {
			ln.Close()
			t.Errorf("ListenDebug(%q) listened", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := ListenDebug(addr)
		if err != nil {
			t.Errorf("ListenDebug(%q): %v", addr, err)
			continue
		}
		ln.Close()
	}
}

func fetchURL(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// The debug listener serves the server's request metrics, the Vars and
// pprof, but no command line; the main listener serves none of them; both
// stop with the server.
func TestDebugListener(t *testing.T) {
	defer leakcheck.Check(t)()
	captureLog(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dln, err := ListenDebug("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Debug: dln,
		Vars:  map[string]expvar.Var{"queue": expvar.Func(func() any { return map[string]int{"queued": 3} })},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, testMux(t), opts) }()
	app, dbg := "http://"+ln.Addr().String(), "http://"+dln.Addr().String()

	for _, p := range []string{"/ok", "/missing", "/boom"} {
		fetchURL(t, app+p)
	}
	status, body := fetchURL(t, dbg+"/debug/vars")
	if status != http.StatusOK {
		t.Fatalf("/debug/vars: %d", status)
	}
	var vars struct {
		HTTP     MetricsSnapshot `json:"http"`
		Queue    map[string]int  `json:"queue"`
		Memstats map[string]any  `json:"memstats"`
		Cmdline  any             `json:"cmdline"`
	}
	if err := json.Unmarshal([]byte(body), &vars); err != nil {
		t.Fatalf("/debug/vars is not JSON: %v\n%s", err, body)
	}
	if vars.HTTP.Requests != 3 || vars.HTTP.Status["2xx"] != 1 || vars.HTTP.Status["4xx"] != 1 || vars.HTTP.Status["5xx"] != 1 {
		t.Errorf("http: %+v, want 3 requests: one 2xx, 4xx, 5xx", vars.HTTP)
	}
	if vars.Queue["queued"] != 3 || vars.Memstats == nil || vars.Cmdline != nil {
		t.Errorf("queue %v, memstats present %v, cmdline %v: want queued 3, memstats, no cmdline", vars.Queue, vars.Memstats != nil, vars.Cmdline)
	}
	for path, want := range map[string]int{"/debug/pprof/": 200, "/debug/pprof/goroutine?debug=1": 200, "/debug/pprof/cmdline": 404} {
		if status, _ := fetchURL(t, dbg+path); status != want {
			t.Errorf("debug %s: %d, want %d", path, status, want)
		}
	}
	for _, path := range []string{"/debug/vars", "/debug/pprof/"} {
		if status, _ := fetchURL(t, app+path); status != http.StatusNotFound {
			t.Errorf("main listener %s: %d, want 404", path, status)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.Dial("tcp", dln.Addr().String()); err == nil {
		t.Error("the debug listener still accepts connections")
	}
}
