package app

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/examples/internal/serve"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

// With -debug-addr, the showcase publishes its request metrics, its queue
// and its hub at /debug/vars of a loopback listener, and pprof beside
// them; its access log keeps errors and samples successes.
func TestDebugVars(t *testing.T) {
	defer leakcheck.Check(t)()
	base, log, stop := runProgram(t, Config{APIKey: apiKey, DebugAddr: "127.0.0.1:0"})
	dbg := debugBase
	if dbg == "" {
		t.Fatal("Run printed no debug listening line")
	}
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?name=zed", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err != nil { // zed joined
		t.Fatal(err)
	}
	getStats(t, base, apiKey)
	getStats(t, base, apiKey)
	getStats(t, base, "wrong")

	res, err := http.Get(dbg + "/debug/vars")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var vars struct {
		HTTP  serve.MetricsSnapshot `json:"http"`
		Tasks map[string]int64      `json:"tasks"`
		WS    HubStats              `json:"ws"`
	}
	if err := json.Unmarshal(body, &vars); err != nil {
		t.Fatalf("/debug/vars: %v\n%s", err, body)
	}
	if vars.HTTP.Status["2xx"] != 2 || vars.HTTP.Status["4xx"] != 1 || vars.HTTP.InFlight != 1 {
		t.Errorf("http %+v: want 2 2xx, 1 4xx, the WebSocket in flight", vars.HTTP)
	}
	if _, ok := vars.Tasks["enqueued"]; !ok {
		t.Errorf("tasks %v: want the queue's Stats", vars.Tasks)
	}
	if w := vars.WS; w.Rooms != 1 || w.Members != 1 || w.Delivery.Dropped != 0 || w.Delivery.Disconnected != 0 {
		t.Errorf("ws %+v, want 1 room, 1 member, nothing dropped", vars.WS)
	}
	if res, err := http.Get(dbg + "/debug/pprof/heap?debug=1"); err != nil || res.StatusCode != 200 {
		t.Errorf("pprof heap: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	c.Close()
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	logged := log.String()
	if n := strings.Count(logged, "msg=request"); n != 2 || !strings.Contains(logged, "status=401") ||
		!strings.Contains(logged, "path=/stats status=200 bytes=") || !strings.Contains(logged, "sample=100") {
		t.Errorf("%d request lines, want the first success (sampled) and the 401:\n%s", n, logged)
	}
}

func TestDebugAddrNotLoopback(t *testing.T) {
	err := Run(t.Context(), "127.0.0.1:0", Config{APIKey: apiKey, DebugAddr: "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "not on loopback") {
		t.Errorf("Run: %v, want a refused debug address", err)
	}
}

func TestObservabilityFlags(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		debug string
		log   serve.AccessLog
	}{
		{nil, "", serve.AccessLog{Slow: serve.DefaultSlowRequest}},
		{[]string{"-debug-addr", "127.0.0.1:6060", "-access-log", "errors", "-slow-request", "250ms"},
			"127.0.0.1:6060", serve.AccessLog{Mode: serve.AccessLogErrors, Slow: 250 * time.Millisecond}},
	} {
		fs := flag.NewFlagSet("showcase", flag.ContinueOnError)
		var f Flags
		f.Register(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if cfg := f.Config(); cfg.DebugAddr != tt.debug || cfg.AccessLog != tt.log {
			t.Errorf("%q: debug %q, access log %+v; want %q, %+v", tt.args, cfg.DebugAddr, cfg.AccessLog, tt.debug, tt.log)
		}
	}
	fs := flag.NewFlagSet("showcase", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f Flags
	f.Register(fs)
	if err := fs.Parse([]string{"-access-log", "verbose"}); err == nil {
		t.Error("-access-log verbose accepted")
	}
}
