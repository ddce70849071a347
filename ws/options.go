package ws

import (
	"log/slog"
	"net/http"
	"time"
)

// Options configure a WebSocket endpoint. The zero value is a safe default:
// same-origin only, 64 KiB messages, keepalive every 30 seconds, no
// compression.
type Options struct {
	// ReadLimit is the largest message accepted from the client, in bytes,
	// counted as the handler receives it: once inflated, when the client
	// compresses it (see EnableCompression). A larger message closes the
	// connection with 1009 (message too big) before the handler sees any
	// of it, and is read no further than ReadLimit+1 bytes. Default 64 KiB
	// (0); a negative value means no limit, which, with compression, lets a
	// small frame inflate to any size.
	ReadLimit int64

	// PingInterval is how often the server pings the client. Default 30s
	// (0); a negative value turns keepalive off.
	PingInterval time.Duration

	// PongTimeout is how long the server waits, beyond PingInterval, for a
	// sign of life (a pong or any message) while the connection is being
	// read. A silent peer is closed after at most PingInterval+PongTimeout.
	// Default 10s (0).
	PongTimeout time.Duration

	// WriteTimeout bounds every write of a message, ping or close frame, and
	// the handshake. A peer that does not read in time is disconnected.
	// Default 10s (0 or negative).
	WriteTimeout time.Duration

	// CloseTimeout is how long the server waits for the client to answer
	// its close frame before dropping the TCP connection. Default 5s (0 or
	// negative).
	CloseTimeout time.Duration

	// SendQueue is the number of outgoing messages a connection buffers;
	// Send returns ErrQueueFull when it is full, and a Hub drops the
	// connection (close 1013). Default 32 (0 or negative).
	SendQueue int

	// Subprotocols lists the subprotocols the server speaks, in order of
	// preference. The first one the client also offers (in
	// Sec-WebSocket-Protocol) is selected and reported by Conn.Subprotocol;
	// when none matches, or the list is empty (the default), the upgrade
	// succeeds without a subprotocol, and the handler may close the
	// connection if it needs one.
	Subprotocols []string

	// AllowedOrigins lists the browser origins, besides the server's own,
	// allowed to open a connection: "https://app.example.com" (scheme and
	// host, port included when not the default), "https://*.example.com"
	// (any subdomain), or "*" (any origin: only for endpoints that need no
	// cookie or other ambient credential, see the package documentation on
	// cross-site WebSocket hijacking). An origin matches an entry when its
	// scheme, host and port all do; case is ignored, and a default port
	// (80 for http, 443 for https) is the same as none. A request from
	// another origin is answered 403 Forbidden without upgrading. By
	// default (empty) only same-origin requests (https://Host over TLS,
	// http://Host otherwise), and requests without an Origin header
	// (non-browser clients), are accepted; behind a proxy that terminates
	// TLS, list the public origin here. Handler panics on a malformed entry.
	AllowedOrigins []string

	// EnableCompression negotiates per-message deflate (RFC 7692) when the
	// client offers it. Off by default: compression costs CPU and memory per
	// connection, and compressing secrets next to attacker-chosen data can
	// leak them (CRIME/BREACH-style attacks). ReadLimit applies to the
	// inflated message.
	EnableCompression bool

	// Accept, when set, runs before the upgrade (after the origin check).
	// An error answers the request with HTTP instead of upgrading: a
	// *stdapi.Error with its status (401, 403, 422...), headers and problem
	// body, any other error with a 500 whose text is logged, not sent.
	// Use it to authenticate or to check query parameters while the client
	// can still receive a proper HTTP error. Default: none.
	Accept func(r *http.Request) error

	// Validate, when set, checks every value decoded by Conn.ReadJSON, for
	// example validate.Struct from github.com/stdapi/stdapi/validate. When
	// it is nil, a value with a method Validate() error is checked by that
	// method. See Conn.ReadJSON for what a failure gives. Default: none.
	Validate func(v any) error

	// Logger receives handler failures and panics. Default slog.Default().
	Logger *slog.Logger
}

// Defaults applied to zero Options fields.
const (
	DefaultReadLimit    = 64 << 10
	DefaultPingInterval = 30 * time.Second
	DefaultPongTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultCloseTimeout = 5 * time.Second
	DefaultSendQueue    = 32
)

// withDefaults returns o with its zero fields replaced by the defaults.
func (o Options) withDefaults() Options {
	if o.ReadLimit == 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.PingInterval == 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.PongTimeout <= 0 {
		o.PongTimeout = DefaultPongTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.CloseTimeout <= 0 {
		o.CloseTimeout = DefaultCloseTimeout
	}
	if o.SendQueue <= 0 {
		o.SendQueue = DefaultSendQueue
	}
	return o
}

// logger returns Logger, or the default logger at the time of the call.
func (o *Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}
