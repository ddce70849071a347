package ws

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"reflect"
	"sync"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/internal/scopehook"
)

// Func is a WebSocket endpoint: it runs for the life of one connection. ctx
// is c.Context(), cancelled when the connection ends. Returning ends the
// connection: nil closes it with 1000 (normal), an error as described in
// Handler.
type Func func(ctx context.Context, c *Conn) error

// Handler returns an http.Handler that upgrades GET requests to WebSocket
// connections and runs fn on each, configured by opts. It panics if fn is
// nil, or if AllowedOrigins holds a malformed entry. To bind and validate
// the request's parameters before the upgrade, use Endpoint.
//
// Before upgrading, the handler answers with an HTTP error, as
// application/problem+json through stdapi.WriteError:
//   - 426 Upgrade Required to a request that is not a WebSocket handshake;
//   - 403 Forbidden when the Origin is neither the server's own nor allowed;
//   - the error of the Accept option, when it fails;
//   - 400 (or 405) for a malformed handshake, 500 when the ResponseWriter
//     cannot be hijacked.
//
// The upgrade works behind middleware that wraps the ResponseWriter, as
// long as the wrapper implements http.Hijacker or an Unwrap()
// http.ResponseWriter method (see http.ResponseController).
//
// After the upgrade, the way fn ends decides the close frame:
//   - nil: 1000 (normal closure);
//   - an error wrapping ErrClosed (the client went away, or the connection
//     was closed already): nothing more is sent, nothing is logged;
//   - a *CloseError: its code and reason, after sending the problem JSON of
//     the 4xx *stdapi.Error it wraps, if any (see ReadJSON);
//   - a *stdapi.Error with a 4xx status: its problem JSON, then 1008 with
//     the error's title as the reason;
//   - any other error, and a panic (as a *stdapi.PanicError): 1011 (internal
//     error) with the reason "internal error"; the error is logged with
//     the Logger option, the text is never sent. A panic with
//     http.ErrAbortHandler drops the connection and panics again (with
//     Detach, it only drops the connection).
//
// Only codes 1011 are logged: a client that goes away (1000, 1001, a
// dropped TCP connection) or sends a bad message is a normal end.
//
// ServeHTTP returns once the connection has ended, or, with the Detach
// option, once the upgrade is done.
//
// Registered with docs.API.Handle, the handler is documented with the
// response 101 Switching Protocols.
func Handler(fn Func, opts ...Option) http.Handler {
	if fn == nil {
		panic("ws: Handler: nil function")
	}
	return &handler{core: newCore(opts), fn: fn}
}

type handler struct {
	*core
	fn Func
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.refuse(w, r) || h.reject(w, r) {
		return
	}
	if !h.detaches(r) {
		h.serve(w, r, h.fn, false, nil)
		return
	}
	h.serve(w, r.WithContext(context.WithoutCancel(r.Context())), h.fn, true, nil)
}

// writeBuffers is shared by every endpoint: a connection holds a write
// buffer only while it writes a message, so that an idle connection keeps
// none (gorilla/websocket's WriteBufferPool).
var writeBuffers sync.Pool

// core is what Handler and Endpoint share: the options, the checks before
// the upgrade, the upgrade, and the life of the connection.
type core struct {
	cfg      config
	origins  *originPolicy
	hinted   sync.Once // see hintOrigin
	upgrader websocket.Upgrader
}

func newCore(opts []Option) *core {
	cfg := newConfig(opts)
	origins, err := newOriginPolicy(cfg.origins)
	if err != nil {
		panic(err)
	}
	if origins.any {
		cfg.log().Warn(`ws: AllowedOrigins holds "*": any web page may open connections to this endpoint with its visitors' cookies`)
	}
	h := &core{cfg: cfg, origins: origins}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout:  cfg.writeTimeout,
		Subprotocols:      cfg.subprotocols,
		EnableCompression: cfg.compression,
		CheckOrigin:       func(*http.Request) bool { return true }, // checked before, see refuse
		Error:             upgradeError,
		WriteBufferPool:   &writeBuffers,
		// ReadBufferSize 0: gorilla reads through the buffer hijack
		// returns, sized by the ReadBufferSize option (see hijacker).
	}
	return h
}

// refuse answers a request that is not a WebSocket handshake (426), or
// comes from an origin not allowed (403), and reports whether it did.
func (h *core) refuse(w http.ResponseWriter, r *http.Request) bool {
	if !websocket.IsWebSocketUpgrade(r) {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Sec-WebSocket-Version", "13")
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusUpgradeRequired, "This endpoint only accepts WebSocket connections"))
		return true
	}
	if !h.origins.allow(r) {
		h.hintOrigin(r)
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusForbidden, "Origin not allowed"))
		return true
	}
	return false
}

// reject answers the error of the Accept option, and reports whether it
// did.
func (h *core) reject(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.accept == nil {
		return false
	}
	if err := h.cfg.accept(r); err != nil {
		stdapi.WriteError(w, r, err)
		return true
	}
	return false
}

// serve upgrades the connection and runs fn for its life: on this
// goroutine, or, when detach is set, on a new one, started before serve
// returns true. Detached, after (when not nil) is called once the
// connection has ended, with whether fn panicked with
// http.ErrAbortHandler. serve returns false, and calls nothing, when the
// upgrade fails.
func (h *core) serve(w http.ResponseWriter, r *http.Request, fn Func, detach bool, after func(aborted bool)) bool {
	hj := hijackable(w, h.cfg.readBuffer)
	wsc, err := h.upgrader.Upgrade(hj, r, nil)
	if err != nil {
		return false // answered by upgradeError, or the connection is gone
	}
	// Only a detached connection watches its socket (readable.go): the
	// shallow wait saves the reader's stack, at a system call and a
	// goroutine start per message, and that pays only once net/http's
	// goroutine is gone too.
	var br *bufio.Reader
	if detach {
		br = hj.reader()
	}
	c := newConn(wsc, r, &h.cfg, br)
	if detach {
		go h.live(c, fn, scopehook.Open(r.Context()), after)
		return true
	}
	err, aborted := run(fn, c)
	if aborted {
		c.fail(http.ErrAbortHandler)
		c.wg.Wait()
		panic(http.ErrAbortHandler)
	}
	h.finish(c, err)
	return false
}

// live runs fn for the life of a detached connection. A panic with
// http.ErrAbortHandler drops the connection, as net/http would, without
// panicking again: no net/http frame is left above to recover it. hooked
// is internal/scopehook's, for the test client's Wait.
func (h *core) live(c *Conn, fn Func, hooked func(), after func(aborted bool)) {
	err, aborted := run(fn, c)
	if aborted {
		c.fail(http.ErrAbortHandler)
		c.wg.Wait()
	} else {
		h.finish(c, err)
	}
	if after != nil {
		after(aborted)
	}
	if hooked != nil {
		hooked()
	}
}

// The methods below are how package docs documents an endpoint (see
// bind.Operation): its parameters, none for Handler, and the response 101
// Switching Protocols, without a body.

// Input describes the endpoint's input: nil, Handler binds nothing.
func (h *handler) Input() *bind.Input { return nil }

// OutputType is nil: a 101 response has no body.
func (h *core) OutputType() reflect.Type { return nil }

// SuccessStatus is 101 Switching Protocols, the answer to a successful
// handshake.
func (h *core) SuccessStatus() int { return http.StatusSwitchingProtocols }

// OpenAPIOperation documents what the handler answers before an upgrade:
// 426 to a request that is not a WebSocket handshake, 403 to one from an
// origin that is not allowed (package docs reads it).
func (h *core) OpenAPIOperation() map[string]any {
	return map[string]any{"responses": map[string]any{
		"403": map[string]any{"description": "Origin not allowed"},
		"426": map[string]any{"description": "Not a WebSocket handshake"},
	}}
}

// run calls fn, turning a panic into a *stdapi.PanicError; aborted reports
// a panic with http.ErrAbortHandler.
func run(fn Func, c *Conn) (err error, aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				aborted = true
				return
			}
			err = stdapi.NewPanicError(v)
		}
	}()
	return fn(c.ctx, c), false
}

// finish closes the connection the way err asks, waits for the reader and
// writer to end, and logs a failure.
func (h *core) finish(c *Conn, err error) {
	code, reason, reply, failed := outcome(err)
	if reply != nil {
		c.Send(problemMessage(reply)) // best effort: a full queue loses the reply, not the close
	}
	c.Close(code, reason)
	c.wg.Wait()
	c.ws.NetConn().Close()
	c.end(nil)
	if failed {
		attrs := []any{"error", err, "path", c.req.URL.Path, "remote", c.req.RemoteAddr}
		var p *stdapi.PanicError
		if errors.As(err, &p) {
			attrs = append(attrs, "stack", string(p.Stack))
		}
		h.cfg.log().ErrorContext(c.req.Context(), "ws: handler failed", attrs...)
	}
}

// outcome maps the handler's result to a close code and reason, the error
// to send as a message first (nil for none), and whether to log a failure.
func outcome(err error) (code int, reason string, reply error, failed bool) {
	if err == nil || errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) {
		return CloseNormal, "", nil, false
	}
	var se *stdapi.Error
	clientError := errors.As(err, &se) && se.StatusCode() < 500
	var ce *CloseError
	if errors.As(err, &ce) {
		code = ce.code()
		if !validCloseCode(code) {
			code = CloseInternalError
		}
		if code == CloseInternalError {
			return code, "internal error", nil, true
		}
		if clientError {
			reply = se
		}
		return code, ce.Reason, reply, false
	}
	if clientError {
		return ClosePolicyViolation, se.TitleText(), se, false
	}
	return CloseInternalError, "internal error", nil, true
}

// upgradeError answers a failed handshake through stdapi.WriteError. The
// texts of 4xx failures describe what the client sent wrong; 5xx texts are
// logged, not sent.
func upgradeError(w http.ResponseWriter, r *http.Request, status int, reason error) {
	w.Header().Set("Sec-WebSocket-Version", "13")
	if status < 500 {
		stdapi.WriteError(w, r, stdapi.NewError(status, reason.Error()))
		return
	}
	stdapi.WriteError(w, r, &stdapi.Error{Status: status, Err: reason})
}

// hijackable returns an http.Hijacker for the upgrader: w's own, or the
// one of the writer w wraps, reached through http.ResponseController. Its
// Hijack returns, instead of net/http's buffer, a new one of size bytes
// (at least minReadBuffer) when size is not 0.
func hijackable(w http.ResponseWriter, size int) *hijacker {
	h := &hijacker{ResponseWriter: w, size: size}
	if _, ok := w.(http.Hijacker); !ok {
		h.rc = http.NewResponseController(w)
	}
	return h
}

// minReadBuffer is the smallest read buffer the ReadBufferSize option
// gives: gorilla reads through the buffer that Hijack returns when it is
// larger than 256 bytes, and allocates one of its own otherwise.
const minReadBuffer = 512

// hijacker is the ResponseWriter the upgrader hijacks. It keeps the read
// buffer it returned, for the connection to know what it holds (see
// readable.go).
type hijacker struct {
	http.ResponseWriter
	rc   *http.ResponseController // nil when ResponseWriter is an http.Hijacker
	size int
	br   *bufio.Reader
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	var nc net.Conn
	var brw *bufio.ReadWriter
	var err error
	if h.rc != nil {
		nc, brw, err = h.rc.Hijack()
	} else {
		nc, brw, err = h.ResponseWriter.(http.Hijacker).Hijack()
	}
	if err != nil {
		return nil, nil, err
	}
	// Bytes already buffered make the upgrader fail: leave them there.
	if h.size > 0 && brw.Reader.Buffered() == 0 {
		brw.Reader = bufio.NewReaderSize(nc, max(h.size, minReadBuffer))
	}
	h.br = brw.Reader
	return nc, brw, nil
}

// reader returns the buffer the upgraded connection reads through, or nil
// when the upgrader did not keep the one Hijack returned.
func (h *hijacker) reader() *bufio.Reader {
	if h.br == nil || h.br.Size() <= 256 {
		return nil
	}
	return h.br
}

// detaches reports whether a connection upgraded from r runs detached:
// with the Detach option, unless r already has a request scope, opened by
// a middleware in front (deps.Scope, tasks.Middleware), whose cleanups and
// tasks must wait for the connection's end.
func (h *core) detaches(r *http.Request) bool {
	return h.cfg.detach && stdapi.ScopeRequest(r.Context()) == nil
}
