package serve

import (
	"context"
	"errors"
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
// Connections are bounded by opts.Timeouts and requests are logged by
// AccessLog. It returns nil after a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, opts Options) error {
	srv := newServer(h, opts)
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
	err := srv.Shutdown(sctx)
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

// newServer returns the server Serve runs: h behind AccessLog, the
// timeouts of opts, and net/http's own errors logged as warnings.
func newServer(h http.Handler, opts Options) *http.Server {
	srv := &http.Server{
		Handler:  AccessLog(h),
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	opts.Timeouts.apply(srv)
	if opts.CloseConns != nil {
		srv.RegisterOnShutdown(opts.CloseConns)
	}
	return srv
}
