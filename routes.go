package stdapi

import (
	"net/http"
	"slices"
)

// RouteErrors returns a handler that serves mux and answers, with
// WriteError in the current Format, the requests that ServeMux itself
// would answer in text/plain: a path no pattern matches is a 404, a path
// matched only by patterns for other methods is a 405 that keeps the Allow
// header ServeMux computes. In FormatFastAPI the bodies are FastAPI's
// {"detail":"Not Found"} and {"detail":"Method Not Allowed"}.
//
//	http.ListenAndServe(addr, stdapi.RouteErrors(mux))
//
// A matched request is served by mux.ServeHTTP with the ResponseWriter as
// it came, so streaming, http.Flusher, http.Hijacker and
// http.ResponseController work as without the wrapper; ServeMux's own
// redirects (a missing trailing slash, an unclean path) are left alone.
// The cost is a second lookup of the pattern per request (about 300 ns).
// RouteErrors panics if mux is nil.
//
// Allow lists every method the path's patterns accept (RFC 9110 §15.5.6),
// as ServeMux computes it; Starlette, under FastAPI, lists those of the
// first route matching the path only.
func RouteErrors(mux *http.ServeMux) http.Handler {
	if mux == nil {
		panic("stdapi: RouteErrors with a nil ServeMux")
	}
	return &routeErrors{mux: mux}
}

type routeErrors struct{ mux *http.ServeMux }

func (m *routeErrors) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.RequestURI == "*" {
		m.mux.ServeHTTP(w, r) // OPTIONS *: ServeMux answers it before any lookup
		return
	}
	h, pattern := m.mux.Handler(r)
	if pattern != "" {
		m.mux.ServeHTTP(w, r)
		return
	}
	// No pattern: h is ServeMux's 404 or 405 answer. Let it write into a
	// recorder to learn which, and the Allow header it computed.
	rec := &unmatched{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusNotFound:
		WriteError(w, r, &Error{Status: http.StatusNotFound})
	case http.StatusMethodNotAllowed:
		e := &Error{Status: http.StatusMethodNotAllowed}
		if allow := rec.header.Values("Allow"); len(allow) > 0 {
			e.Header = http.Header{"Allow": slices.Clone(allow)}
		}
		WriteError(w, r, e)
	default:
		rec.replay(w) // an answer this version of ServeMux gives that stdapi does not know
	}
}

// unmatched records the small answer ServeMux gives to a request that
// matches no pattern.
type unmatched struct {
	header http.Header
	status int
	body   []byte
}

func (u *unmatched) Header() http.Header { return u.header }

func (u *unmatched) WriteHeader(status int) {
	if u.status == 0 {
		u.status = status
	}
}

func (u *unmatched) Write(p []byte) (int, error) {
	u.WriteHeader(http.StatusOK)
	u.body = append(u.body, p...)
	return len(p), nil
}

func (u *unmatched) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range u.header {
		h[k] = v
	}
	if u.status == 0 {
		u.status = http.StatusOK
	}
	w.WriteHeader(u.status)
	w.Write(u.body)
}
