package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

// DefaultAddr is the listen address of the showcase programs when -addr is
// not given.
const DefaultAddr = "127.0.0.1:8000"

// Flags are the command-line flags and environment variables that both
// showcase programs read: examples/showcase (in-memory queue) and
// tasks/river/cmd/showcase (jobs in PostgreSQL).
type Flags struct {
	// Addr is the listen address, flag -addr. Default: DefaultAddr.
	Addr string
	// DocsAssets is a node_modules directory holding swagger-ui-dist and
	// redoc, flag -docs-assets. Default: "", the docs pages load their
	// scripts from the CDN.
	DocsAssets string
	// Timeouts bound the server's connections, flags -read-header-timeout,
	// -read-timeout, -write-timeout and -idle-timeout. Default: 5s, 30s,
	// 30s and 120s.
	Timeouts serve.Timeouts
	// DebugAddr is the loopback address of the debug listener
	// (/debug/vars, /debug/pprof/), flag -debug-addr. Default: "", none.
	DebugAddr string
	// AccessLog chooses the requests logged, flags -access-log and
	// -slow-request. Default: errors, requests slower than 1s, and 1 in
	// 100 of the others.
	AccessLog serve.AccessLog
}

// Register defines -addr, -docs-assets, -debug-addr, the access log
// flags and the timeout flags on fs, storing into f.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Addr, "addr", DefaultAddr, "listen address")
	fs.StringVar(&f.DocsAssets, "docs-assets", "", "node_modules directory with swagger-ui-dist and redoc (default: load them from the CDN)")
	fs.StringVar(&f.DebugAddr, "debug-addr", "", "loopback address of /debug/vars and /debug/pprof/ (default: none)")
	f.AccessLog.Register(fs)
	f.Timeouts.Register(fs)
}

// Config returns the showcase's configuration from the flags and the
// environment: JWTSecret from SHOWCASE_JWT_SECRET and APIKey from
// SHOWCASE_API_KEY (Run generates a key when it is empty).
func (f *Flags) Config() Config {
	cfg := Config{
		JWTSecret: os.Getenv("SHOWCASE_JWT_SECRET"),
		APIKey:    os.Getenv("SHOWCASE_API_KEY"),
		Timeouts:  f.Timeouts,
		DebugAddr: f.DebugAddr,
		AccessLog: f.AccessLog,
	}
	if f.DocsAssets != "" {
		cfg.DocsAssets = os.DirFS(f.DocsAssets)
	}
	return cfg
}

// Run serves the showcase built from cfg on addr until ctx is done, then
// shuts it down gracefully: WebSockets are closed with 1001, requests in
// flight finish, then Drain waits for background tasks, queued jobs (and
// shuts the queue and its Backend down) and database sessions, all within
// 15 seconds. Once listening it prints "listening on http://ADDR" to
// stdout, which scripts starting it on port 0 read. Its connections are
// bounded by cfg.Timeouts. When cfg.APIKey is empty, Run generates one and
// prints it once to stderr; the log shows only its fingerprint. Requests
// are logged with log/slog as cfg.AccessLog says. With cfg.DebugAddr, a
// loopback address, it also serves /debug/vars (request metrics, Vars) and
// /debug/pprof/ there, and prints "debug listening on http://ADDR" first.
//
// Run returns nil after a clean shutdown, the error of listening or of New
// (before anything was started), or what did not finish in time.
func Run(ctx context.Context, addr string, cfg Config) error {
	generated := cfg.APIKey == ""
	if generated {
		cfg.APIKey = rand.Text()
	}
	// Listen first: a busy port must not start the queue's Backend.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var dbg net.Listener
	if cfg.DebugAddr != "" {
		if dbg, err = serve.ListenDebug(cfg.DebugAddr); err != nil {
			ln.Close()
			return err
		}
	}
	a, err := New(cfg)
	if err != nil {
		ln.Close()
		if dbg != nil {
			dbg.Close()
		}
		return err
	}
	if generated {
		announceKey(cfg.APIKey)
	}
	if dbg != nil {
		fmt.Printf("debug listening on http://%s\n", dbg.Addr())
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	return serve.Serve(ctx, ln, a, serve.Options{
		Timeouts: cfg.Timeouts, CloseConns: a.CloseConns, Drain: a.Drain,
		AccessLog: cfg.AccessLog, Debug: dbg, Vars: a.Vars(),
	})
}

// announceKey prints a generated API key once to stderr, for whoever
// started the program, and logs only its fingerprint (the first 8 bytes of
// its SHA-256, in hex): a structured log is kept, shipped and searched, and
// a key in it would be readable by all who read the logs.
func announceKey(key string) {
	fmt.Fprintf(os.Stderr, "API key of GET /stats (X-API-Key), generated as SHOWCASE_API_KEY is not set: %s\n", key)
	sum := sha256.Sum256([]byte(key))
	slog.Info("generated the API key of GET /stats, printed on stderr, not logged (set SHOWCASE_API_KEY to choose it)",
		"fingerprint", "sha256:"+hex.EncodeToString(sum[:8]))
}

// Main is the end of a showcase program's main function: it makes a text
// log/slog handler on stderr the default logger, calls run with a context
// that SIGINT or SIGTERM cancels, and exits with status 1 when run fails.
// run is typically a call to Run, with whatever it needs set up around it.
func Main(run func(ctx context.Context) error) {
	serve.SetLogger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("showcase failed", "error", err)
		stop()
		os.Exit(1)
	}
}
