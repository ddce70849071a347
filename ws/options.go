package ws

import (
	"log/slog"
	"net/http"
	"slices"
	"time"
)

// Option configures a WebSocket endpoint built by Handler or Endpoint, as
// in ws.Handler(fn, ws.ReadLimit(1<<20), ws.AllowedOrigins("https://app.example.com")).
// With no option, an endpoint is safe: same-origin only, 64 KiB messages,
// keepalive every 30 seconds, no compression. Options apply in order: a
// later one overrides an earlier one of the same kind.
type Option func(*config)

// ReadLimit sets the largest message accepted from the client, in bytes,
// counted as the handler receives it: once inflated, when the client
// compresses it (see EnableCompression). A larger message closes the
// connection with 1009 (message too big) before the handler sees any of
// it, and is read no further than n+1 bytes. Default 64 KiB
// (DefaultReadLimit, also for 0); a negative n means no limit, which, with
// compression, lets a small frame inflate to any size.
func ReadLimit(n int64) Option { return func(c *config) { c.readLimit = n } }

// PingInterval sets how often the server pings the client. Default 30s
// (DefaultPingInterval, also for 0); a negative d turns keepalive off.
func PingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// PongTimeout sets how long the server waits, beyond PingInterval, for a
// sign of life (a pong or any message) while the connection is being read.
// A silent peer is closed after at most PingInterval+PongTimeout. Default
// 10s (DefaultPongTimeout, also for 0 or negative).
func PongTimeout(d time.Duration) Option { return func(c *config) { c.pongTimeout = d } }

// WriteTimeout bounds every write of a message, ping or close frame, and
// the handshake: a peer that does not read in time is disconnected.
// Default 10s (DefaultWriteTimeout, also for 0 or negative).
func WriteTimeout(d time.Duration) Option { return func(c *config) { c.writeTimeout = d } }

// CloseTimeout sets how long the server waits for the client to answer
// its close frame before dropping the TCP connection. Default 5s
// (DefaultCloseTimeout, also for 0 or negative).
func CloseTimeout(d time.Duration) Option { return func(c *config) { c.closeTimeout = d } }

// SendQueue sets the number of outgoing messages a connection buffers;
// Send returns ErrQueueFull when it is full, and a Hub handles the member
// by its OnFull policy. Default 32 (DefaultSendQueue, also for 0 or
// negative).
func SendQueue(n int) Option { return func(c *config) { c.sendQueue = n } }

// Subprotocols lists the subprotocols the server speaks, in order of
// preference. The first one the client also offers (in
// Sec-WebSocket-Protocol) is selected and reported by Conn.Subprotocol;
// when none matches, or the list is empty (the default), the upgrade
// succeeds without a subprotocol, and the handler may close the
// connection if it needs one.
func Subprotocols(names ...string) Option {
	names = slices.Clone(names)
	return func(c *config) { c.subprotocols = names }
}

// AllowedOrigins lists the browser origins, besides the server's own,
// allowed to open a connection: "https://app.example.com" (scheme and
// host, port included when not the default), "https://*.example.com" (any
// subdomain), or "*" (any origin: only for endpoints that need no cookie
// or other ambient credential, see the package documentation on
// cross-site WebSocket hijacking). An origin matches an entry when its
// scheme, host and port all do; case is ignored, and a default port (80
// for http, 443 for https) is the same as none. A request from another
// origin is answered 403 Forbidden without upgrading. By default (none)
// only same-origin requests (https://Host over TLS, http://Host
// otherwise), and requests without an Origin header (non-browser
// clients), are accepted; behind a proxy that terminates TLS, list the
// public origin here. Handler and Endpoint panic on a malformed entry.
func AllowedOrigins(origins ...string) Option {
	origins = slices.Clone(origins)
	return func(c *config) { c.origins = origins }
}

// EnableCompression negotiates per-message deflate (RFC 7692) when the
// client offers it. Off by default: compression costs CPU and memory per
// connection, and compressing secrets next to attacker-chosen data can
// leak them (CRIME/BREACH-style attacks). ReadLimit applies to the
// inflated message.
func EnableCompression() Option { return func(c *config) { c.compression = true } }

// Accept sets a check that runs before the upgrade (after the origin
// check, and after binding for Endpoint). An error answers the request
// with HTTP instead of upgrading: a *stdapi.Error with its status (401,
// 403, 422...), headers and problem body, any other error with a 500
// whose text is logged, not sent. Default none: Endpoint's bound input
// and security middleware in front of the handler cover most needs.
func Accept(fn func(r *http.Request) error) Option { return func(c *config) { c.accept = fn } }

// Validate sets the check of every value decoded by Conn.ReadJSON, for
// example validate.Struct from github.com/stdapi/stdapi/validate. Without
// it (the default), a value with a method Validate() error is checked by
// that method. See Conn.ReadJSON for what a failure gives.
func Validate(fn func(v any) error) Option { return func(c *config) { c.validate = fn } }

// Logger sets the logger of handler failures and panics. Default
// slog.Default(), at the time of each log.
func Logger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// Detach runs each connection on a goroutine of its own and returns from
// ServeHTTP as soon as the upgrade is done, instead of running the
// connection on the goroutine net/http serves the request with: net/http
// then frees that goroutine, its stack and its per-connection state (its
// connection and response, a 4 KiB write buffer, a 2 KiB chunking
// buffer), about 10 KB per idle connection (see the package
// documentation). Use it for many long-lived connections.
//
// What it changes, for the code around the handler:
//   - Middleware in front of the handler sees ServeHTTP return at the
//     upgrade: its after-code (a logged duration or status, an in-flight
//     counter, a span, a deferred release of something it put in the
//     request's context) runs then, while the connection goes on. Do not
//     detach behind middleware that releases what the function uses.
//   - The request's context is no longer cancelled by net/http for the
//     connection: the function's ctx, and Conn.Request's context, keep the
//     request's values, and ctx ends with the connection as without
//     Detach.
//   - A request scope opened in front (deps.Scope, tasks.Middleware) must
//     outlive the connection: the connection is then not detached, and
//     runs as without Detach. Endpoint's own scope, opened when there is
//     none in front, is ended when the connection ends: dep-field cleanups
//     and background tasks run after it, as without Detach.
//   - A panic in the function is answered with 1011 and logged, as
//     without Detach; a panic with http.ErrAbortHandler drops the TCP
//     connection without a close frame and logs nothing, and, with no
//     net/http goroutine left to recover it, does not panic again.
//
// Off by default, since a wrapping middleware cannot be detected.
func Detach() Option { return func(c *config) { c.detach = true } }

// ReadBufferSize sets the size of each connection's read buffer, in
// bytes. By default (0), the connection reads through the 4 KiB buffer
// net/http read the handshake with. A smaller buffer saves memory per
// connection, with Detach only (without it, net/http keeps its own buffer
// for the life of the connection); its cost is one read from the network
// per buffer's worth of small messages arriving together (a message larger
// than the buffer is read past it, straight into the message). Values
// below 512 bytes are raised to 512.
func ReadBufferSize(n int) Option { return func(c *config) { c.readBuffer = n } }

// Defaults of the options.
const (
	DefaultReadLimit    = 64 << 10
	DefaultPingInterval = 30 * time.Second
	DefaultPongTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultCloseTimeout = 5 * time.Second
	DefaultSendQueue    = 32
)

// config is what the options set, with the defaults filled in by
// newConfig.
type config struct {
	readLimit    int64
	pingInterval time.Duration
	pongTimeout  time.Duration
	writeTimeout time.Duration
	closeTimeout time.Duration
	sendQueue    int
	subprotocols []string
	origins      []string
	compression  bool
	accept       func(r *http.Request) error
	validate     func(v any) error
	logger       *slog.Logger
	detach       bool
	readBuffer   int // 0: net/http's
}

// newConfig applies opts and replaces what is left zero by the defaults.
func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.readLimit == 0 {
		c.readLimit = DefaultReadLimit
	}
	if c.pingInterval == 0 {
		c.pingInterval = DefaultPingInterval
	}
	if c.pongTimeout <= 0 {
		c.pongTimeout = DefaultPongTimeout
	}
	if c.writeTimeout <= 0 {
		c.writeTimeout = DefaultWriteTimeout
	}
	if c.closeTimeout <= 0 {
		c.closeTimeout = DefaultCloseTimeout
	}
	if c.sendQueue <= 0 {
		c.sendQueue = DefaultSendQueue
	}
	if c.readBuffer < 0 {
		c.readBuffer = 0
	}
	return c
}

// log returns the configured logger, or the default logger at the time of
// the call.
func (c *config) log() *slog.Logger {
	if c.logger != nil {
		return c.logger
	}
	return slog.Default()
}
