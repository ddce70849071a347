package serve

import (
	"flag"
	"net/http"
	"time"
)

// Timeouts bound how long a client may take to send a request and to read
// its response, so that slow or stalled clients (slowloris, readers that
// never read) cannot hold connections, goroutines and buffered responses
// for ever. A zero field takes its default. A negative one leaves the
// bound to net/http's fallback: none for Read and Write, Read's for
// ReadHeader and Idle. A handler that needs longer, such as a long download or an
// event stream, extends its own deadlines with http.ResponseController
// (SetReadDeadline, SetWriteDeadline). WebSockets need nothing: the
// upgrade clears the server's deadlines on the hijacked connection, and
// package ws sets its own on every read and write.
type Timeouts struct {
	// ReadHeader bounds reading a request's line and headers, from the
	// request's first byte. Default 5s: a client sends its headers in one
	// round trip.
	ReadHeader time.Duration
	// Read bounds reading the whole request, headers and body, from the
	// request's first byte: a body read past it fails, and the connection
	// is closed. Default 30s, enough for the largest bodies the examples
	// accept (1 MiB of JSON, 32 MiB of multipart) at about 1 MiB/s.
	Read time.Duration
	// Write bounds the time from the end of the request's headers to the
	// end of the response: the handler's work and the client reading the
	// response. Past it, writes fail and the connection is closed, so a
	// client that does not read cannot pin a response in memory. Default
	// 30s.
	Write time.Duration
	// Idle bounds the wait for the next request on a keep-alive
	// connection. Default 120s.
	Idle time.Duration
}

// Defaults of the zero fields of Timeouts.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
)

// Register defines the flags -read-header-timeout, -read-timeout,
// -write-timeout and -idle-timeout on fs, storing into t, with the
// defaults of Timeouts.
func (t *Timeouts) Register(fs *flag.FlagSet) {
	fs.DurationVar(&t.ReadHeader, "read-header-timeout", DefaultReadHeaderTimeout, "bound on reading a request's headers")
	fs.DurationVar(&t.Read, "read-timeout", DefaultReadTimeout, "bound on reading a whole request, body included (negative: none)")
	fs.DurationVar(&t.Write, "write-timeout", DefaultWriteTimeout, "bound on handling a request and writing its response (negative: none)")
	fs.DurationVar(&t.Idle, "idle-timeout", DefaultIdleTimeout, "bound on waiting for the next request on a keep-alive connection")
}

// apply sets the timeouts of srv.
func (t Timeouts) apply(srv *http.Server) {
	srv.ReadHeaderTimeout = pick(t.ReadHeader, DefaultReadHeaderTimeout)
	srv.ReadTimeout = pick(t.Read, DefaultReadTimeout)
	srv.WriteTimeout = pick(t.Write, DefaultWriteTimeout)
	srv.IdleTimeout = pick(t.Idle, DefaultIdleTimeout)
}

// pick returns d, def when d is zero, or 0 (no bound, for net/http) when d
// is negative.
func pick(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}
