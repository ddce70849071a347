package serve

import (
	"bytes"
	"encoding/json"
	"expvar"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"
)

// ListenDebug listens on addr for the debug listener of Options.Debug. It
// refuses an address that is not on loopback (127.0.0.0/8, ::1,
// localhost): profiles and counters are for the operator of the machine,
// and a profile costs CPU that anyone who reaches it could ask for. To
// read them from elsewhere, go through SSH or an authenticating proxy.
func ListenDebug(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("serve: debug address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("serve: debug address %q is not on loopback (127.0.0.1, ::1 or localhost)", addr)
	}
	return net.Listen("tcp", addr)
}

// DebugHandler serves what the debug listener shows:
//
//	GET /debug/vars      the expvar variables as one JSON object: "http"
//	                     (Metrics), what Options.Vars publishes, "memstats";
//	                     expvar's "cmdline" is left out, since a command
//	                     line may hold a secret (a database URL)
//	GET /debug/pprof/    net/http/pprof: heap, goroutine, profile (CPU),
//	                     trace, ...; cmdline is left out likewise
func DebugHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/vars", serveVars)
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /debug/pprof/cmdline", http.NotFound)
	return mux
}

// serveVars writes the expvar variables, but cmdline, as expvar.Handler does.
func serveVars(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	b.WriteString("{\n")
	first := true
	expvar.Do(func(kv expvar.KeyValue) {
		if kv.Key == "cmdline" {
			return
		}
		if !first {
			b.WriteString(",\n")
		}
		first = false
		k, _ := json.Marshal(kv.Key)
		fmt.Fprintf(&b, "%s: %s", k, kv.Value)
	})
	b.WriteString("\n}\n")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b.Bytes())
}

// newDebugServer returns the server of the debug listener. It has no write
// timeout: a CPU profile or a trace takes as long as it was asked for.
func newDebugServer() *http.Server {
	return &http.Server{
		Handler:           DebugHandler(),
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
	}
}

// Publish publishes v with expvar under name. Unlike expvar.Publish it may
// be called again with the same name, as a process that serves twice (a
// test) does: the newer v replaces the older.
func Publish(name string, v expvar.Var) {
	published.Lock()
	defer published.Unlock()
	if s, ok := published.slots[name]; ok {
		s.set(v)
		return
	}
	s := &slot{}
	s.set(v)
	if published.slots == nil {
		published.slots = map[string]*slot{}
	}
	published.slots[name] = s
	expvar.Publish(name, s)
}

var published struct {
	sync.Mutex
	slots map[string]*slot
}

// slot is an expvar.Var that forwards to the latest one Published.
type slot struct {
	mu sync.Mutex
	v  expvar.Var
}

func (s *slot) set(v expvar.Var) {
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
}

func (s *slot) String() string {
	s.mu.Lock()
	v := s.v
	s.mu.Unlock()
	return v.String()
}

// debugShutdownTimeout bounds the shutdown of the debug listener, whose
// profiles in progress are not worth waiting for.
const debugShutdownTimeout = time.Second
