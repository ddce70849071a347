package ws

import (
	"context"
	"fmt"
	"net/http"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/internal/scopeseam"
)

// EndpointFunc is a WebSocket endpoint with a typed input: it runs for the
// life of one connection with the handshake's parameters, bound and
// validated before the upgrade. ctx is c.Context(). Returning ends the
// connection as Handler describes.
type EndpointFunc[In any] func(ctx context.Context, in *In, c *Conn) error

// Endpoint returns an http.Handler that binds and validates an In from
// each handshake request, as bind.Handler does, before upgrading it, then
// runs fn with it for the life of the connection, configured by opts.
//
// In reads the handshake's path, query, header and cookie parameters
// (tags path, query, header, cookie, with validate rules and defaults): a
// handshake has no body, so Endpoint panics, when it is called, if In has a
// Body, form or file field, and on any In that bind.Handler would refuse.
// It also panics if fn is nil, or if AllowedOrigins holds a malformed
// entry.
//
// A request that is not a WebSocket handshake gets 426, one from an origin
// not allowed 403 (see Handler); then a request whose parameters do not
// bind or validate gets the 422 problem response a bind.Handler would
// give, listing every error, and is not upgraded; then the Accept option,
// if any, runs. Security middleware in front (security.Require) answers
// 401 or 403 before all of these. After the upgrade, everything is as for
// Handler.
//
// Registered with docs.API.Handle, the endpoint is documented with its
// parameters, as a bind handler's are, its 422, and the response 101
// Switching Protocols, without a body.
func Endpoint[In any](fn EndpointFunc[In], opts ...Option) http.Handler {
	if fn == nil {
		panic("ws: Endpoint: nil function")
	}
	b := bind.NewBinder[In]()
	input := b.Input()
	if input.BodyKind != bind.BodyNone {
		panic(fmt.Sprintf("ws: Endpoint: %s has a body (a Body, form or file field): a WebSocket handshake has none; read messages with Conn.ReadJSON", input.Type))
	}
	e := &endpoint[In]{core: newCore(opts), fn: fn, Binder: b}
	e.inner = http.HandlerFunc(e.serveScoped)
	return e
}

type endpoint[In any] struct {
	*core
	*bind.Binder[In] // Input, and dep fields: UseDependencies, Dependencies
	fn               EndpointFunc[In]
	inner            http.Handler // serveScoped, boxed once
}

// ServeHTTP serves the connection in a request scope, an outer
// middleware's or its own, so that dep fields, their cleanups (after the
// connection ends) and background tasks work with no middleware.
func (e *endpoint[In]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.detaches(r) {
		e.serveDetached(w, r)
		return
	}
	stdapi.ServeScoped(w, r, e.inner)
}

func (e *endpoint[In]) serveScoped(w http.ResponseWriter, r *http.Request) {
	e.serveIn(w, r, false, nil)
}

// serveDetached is ServeHTTP with the Detach option: the endpoint's own
// scope outlives ServeHTTP, until the connection ends, and is not
// cancelled with r's context when ServeHTTP returns.
func (e *endpoint[In]) serveDetached(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithoutCancel(r.Context()))
	ctx, sc := scopeseam.Open(r)
	r = r.WithContext(ctx)
	detached := false
	defer func() {
		if detached {
			return
		}
		if v := recover(); v != nil { // as stdapi.ServeScoped does
			aborted := v == http.ErrAbortHandler
			if !aborted {
				stdapi.Fail(ctx, stdapi.NewPanicError(v))
			}
			sc.End(w, aborted)
			panic(v)
		}
		sc.End(w, false) // answered with HTTP: the scope ends with the response
	}()
	detached = e.serveIn(w, r, true, func(aborted bool) { sc.End(nil, aborted) })
}

// serveIn binds In from r, then upgrades and serves the connection (see
// core.serve), and reports whether it detached.
func (e *endpoint[In]) serveIn(w http.ResponseWriter, r *http.Request, detach bool, after func(aborted bool)) bool {
	if e.refuse(w, r) {
		return false
	}
	in := new(In)
	if err := e.Bind(r, in); err != nil {
		stdapi.WriteError(w, r, err)
		return false
	}
	if e.reject(w, r) {
		return false
	}
	return e.serve(w, r, func(ctx context.Context, c *Conn) error { return e.fn(ctx, in, c) }, detach, after)
}
