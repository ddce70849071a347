package stdapi

import (
	"context"
	"errors"
	"net/http"
)

// OnError returns middleware under which WriteError gives the errors that
// match E (errors.As) to fn, which writes the response: FastAPI's
// @app.exception_handler(UnicornException). Errors that do not match get
// the default RFC 9457 problem (or FastAPI format), as do errors written
// outside the middleware.
//
//	type UnicornError struct{ Name string }
//	func (e *UnicornError) Error() string { return e.Name }
//
//	h = stdapi.OnError(func(w http.ResponseWriter, r *http.Request, e *UnicornError) {
//		bind.JSON(w, 418, map[string]string{"message": "Oops! " + e.Name + " did something."})
//	})(h)
//
// Wrap a whole mux for an application-wide handler, or give it to a group
// (docs.Use) or one route. Nested handlers are tried innermost first; when
// fn itself calls WriteError, only the handlers outside its own are tried,
// so a handler can fall back to the default with WriteError(w, r, err).
// The request's error (RequestError, dependency cleanups) is err either way.
// OnError panics if fn is nil.
func OnError[E error](fn func(w http.ResponseWriter, r *http.Request, err E)) func(http.Handler) http.Handler {
	if fn == nil {
		panic("stdapi: OnError with a nil function")
	}
	match := func(w http.ResponseWriter, r *http.Request, err error) bool {
		var e E
		if !errors.As(err, &e) {
			return false
		}
		fn(w, r, e)
		return true
	}
	return func(next http.Handler) http.Handler {
		return &errorHandler{match: match, next: next}
	}
}

type errorHandler struct {
	match func(w http.ResponseWriter, r *http.Request, err error) bool
	next  http.Handler
}

// handlers is the chain of OnError handlers of a request, innermost first.
type handlers struct {
	h     *errorHandler
	outer *handlers
}

type handlersKey struct{}

func (h *errorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	outer, _ := r.Context().Value(handlersKey{}).(*handlers)
	ctx := context.WithValue(r.Context(), handlersKey{}, &handlers{h: h, outer: outer})
	h.next.ServeHTTP(w, r.WithContext(ctx))
}

// Unwrap returns the wrapped handler, for documentation generators.
func (h *errorHandler) Unwrap() http.Handler { return h.next }

// handled gives err to the first OnError handler of r that matches it.
func handled(w http.ResponseWriter, r *http.Request, err error) bool {
	if r == nil || err == nil {
		return false
	}
	for hs, _ := r.Context().Value(handlersKey{}).(*handlers); hs != nil; hs = hs.outer {
		inner := r.WithContext(context.WithValue(r.Context(), handlersKey{}, hs.outer))
		if hs.h.match(w, inner, err) {
			return true
		}
	}
	return false
}
