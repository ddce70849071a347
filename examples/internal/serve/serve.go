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

// Hooks are what a program does when it stops, besides stopping its server.
type Hooks struct {
	// CloseConns runs when the shutdown starts, to close the connections
	// http.Server no longer tracks: WebSockets (ws.Hub.Close sends 1001).
	CloseConns func()
	// Drain runs once the server has stopped and its handlers have
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
func Main(addr string, h http.Handler, hooks Hooks) {
	SetLogger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, addr, h, hooks); err != nil {
		slog.Error("server failed", "error", err)
		stop()
		os.Exit(1)
	}
}

// Run listens on addr and calls Serve. Once listening it prints
// "listening on http://ADDR" to stdout, which scripts starting a program on
// port 0 read to find it.
func Run(ctx context.Context, addr string, h http.Handler, hooks Hooks) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	return Serve(ctx, ln, h, hooks)
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections, runs hooks.CloseConns, waits for the
// requests in flight, then runs hooks.Drain, all within ShutdownTimeout.
// Requests are logged by AccessLog. It returns nil after a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, hooks Hooks) error {
	srv := &http.Server{
		Handler:           AccessLog(h),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	if hooks.CloseConns != nil {
		srv.RegisterOnShutdown(hooks.CloseConns)
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
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if hooks.Drain != nil {
		err = errors.Join(err, hooks.Drain(sctx))
	}
	if err == nil {
		slog.Info("stopped")
	}
	return err
}
