package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Serve serves h on ln until ctx is done, then shuts the server down,
// letting requests in flight finish for up to 5 seconds. It returns nil
// after a shutdown, or the error that stopped the server.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// Main is the main function of the servers under cmd/: it reads the flag
// -addr (default 127.0.0.1:8000), listens there, prints "NAME listening on
// ADDR" and serves newHandler's handler until SIGINT or SIGTERM.
func Main(name string, newHandler func() http.Handler) {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	flag.Parse()
	h := newHandler()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s listening on %s\n", name, ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Serve(ctx, ln, h); err != nil {
		log.Fatal(err)
	}
}
