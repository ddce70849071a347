package serve

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownTimeout bounds a graceful shutdown: requests in flight, background
// tasks and queued jobs get this long to finish.
const ShutdownTimeout = 15 * time.Second

// Options configure a server. The zero value serves with the default
// Timeouts and nothing to do at shutdown besides stopping the server.
type Options struct {
	// Timeouts bound the reads and writes of the server's connections.
	// Default: the defaults of Timeouts.
	Timeouts Timeouts
	// CloseConns, when not nil, runs when the shutdown starts, to close the connections
	// http.Server no longer tracks: WebSockets (ws.Hub.Close sends 1001).
	CloseConns func()
	// Drain, when not nil, runs once the server has stopped and its handlers have
	// returned, to finish background work (tasks, queues) before exit.
	Drain func(ctx context.Context) error
	// AccessLog chooses which requests are logged. Default: the errors,
	// the slow requests and 1 in 100 of the others (see AccessLog).
	AccessLog AccessLog
	// Debug, when not nil, is the listener of the debug server (see
	// ListenDebug and DebugHandler): /debug/vars and /debug/pprof/, served
	// until the shutdown. Default: nil, no debug server.
	Debug net.Listener
	// Vars are published with expvar beside the server's request Metrics
	// ("http"), by Publish: queue and hub counters. Default: none.
	Vars map[string]expvar.Var
}

// SetLogger makes a text log/slog handler on stderr the default logger.
// Main calls it; call it first to log before Main.
func SetLogger() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
}

// Main is the end of an example's main function: it calls SetLogger, runs
// Run until SIGINT or SIGTERM, and exits with status 1 when Run fails.
func Main(addr string, h http.Handler, opts Options) {
	SetLogger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, addr, h, opts); err != nil {
		slog.Error("server failed", "error", err)
		stop()
		os.Exit(1)
	}
}

// Run listens on addr and calls Serve. Once listening it prints
// "listening on http://ADDR" to stdout, which scripts starting a program on
// port 0 read to find it.
func Run(ctx context.Context, addr string, h http.Handler, opts Options) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	return Serve(ctx, ln, h, opts)
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections, runs opts.CloseConns, waits for the
// requests in flight, then runs opts.Drain, all within ShutdownTimeout.
// Connections are bounded by opts.Timeouts, requests are counted by a
// Metrics published as "http" and logged as opts.AccessLog says, and
// opts.Vars are published; with opts.Debug, the debug server serves them
// until the shutdown. It returns nil after a clean shutdown, and an error
// before serving when opts.AccessLog.Mode is unknown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, opts Options) error {
	srv, err := newServer(h, opts)
	if err != nil {
		ln.Close()
		if opts.Debug != nil {
			opts.Debug.Close()
		}
		return err
	}
	for name, v := range opts.Vars {
		Publish(name, v)
	}
	if opts.Debug != nil {
		dbg := newDebugServer()
		go dbg.Serve(opts.Debug)
		slog.Info("debug listening", "vars", "http://"+opts.Debug.Addr().String()+"/debug/vars",
			"pprof", "http://"+opts.Debug.Addr().String()+"/debug/pprof/")
		defer func() {
			dctx, cancel := context.WithTimeout(context.Background(), debugShutdownTimeout)
			defer cancel()
			if dbg.Shutdown(dctx) != nil {
				dbg.Close()
			}
		}()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	slog.Info("listening", "addr", "http://"+ln.Addr().String())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down", "timeout", ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if opts.Drain != nil {
		err = errors.Join(err, opts.Drain(sctx))
	}
	if err == nil {
		slog.Info("stopped")
	}
	return err
}

// newServer returns the server Serve runs: h counted by a new Metrics
// (published as "http") and logged as opts.AccessLog says, the timeouts of
// opts, and net/http's own errors logged as warnings. It fails on an
// unknown access log mode.
func newServer(h http.Handler, opts Options) (*http.Server, error) {
	log, err := opts.AccessLog.logger()
	if err != nil {
		return nil, err
	}
	m := &Metrics{}
	Publish("http", m)
	srv := &http.Server{
		Handler: observe(h, m.begin, func(r *http.Request, status, bytes int, d time.Duration) {
			m.observe(status, d)
			if log != nil {
				log(r, status, bytes, d)
			}
		}),
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	opts.Timeouts.apply(srv)
	if opts.CloseConns != nil {
		srv.RegisterOnShutdown(opts.CloseConns)
	}
	return srv, nil
}
